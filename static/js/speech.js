// The speech page: citing a place, the tips of marked commitments, and, in a long speech, the
// outline and the list of commitments following the reading position. The page reads and links
// without any of it: every place is an anchor, every commitment a link in the side list.
(() => {
  "use strict";

  const article = document.querySelector("article.speech");
  if (!article) return;
  const text = article.querySelector(".speech-text");
  const toc = article.querySelector(".toc");
  const panel = article.querySelector(".commitment-panel");
  const sideList = panel && panel.querySelector(".commitment-side-list");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  // --- citing a place -------------------------------------------------------------------------

  const PARAGRAPH = /-p(\d+)$/;

  function placeOf(element) {
    // A paragraph (s2.3-p4), a section (s2.3), or an id the page gave before, inside one of them.
    if (!element) return null;
    if (element.classList.contains("old-anchor")) element = element.parentElement;
    if (element.matches(".speech-text section[id], .speech-text p[id]")) return element;
    return null;
  }

  function citation(place) {
    const section = place.closest("section");
    const path = section.dataset.citePath;
    const match = place.matches("p") ? PARAGRAPH.exec(place.id) : null;
    const where = match ? `${path || "开头部分"}，第${match[1]}段` : path || "开头部分";
    const data = article.dataset;
    const when = data.citeDate || (data.citeYear ? `${data.citeYear}年` : "");
    const url = `${location.origin}${location.pathname}#${place.id}`;
    return [`《${data.citeTitle}》`, data.citePlace, when, where].filter(Boolean).join("，") + `。讲话档案，${url}`;
  }

  let box = null;

  function closeBox(returnFocus) {
    if (!box) return;
    const link = box.placeLink;
    box.remove();
    box = null;
    if (returnFocus && link) link.focus({ preventScroll: true });
  }

  function openBox(place) {
    closeBox(false);
    const template = document.getElementById("cite-box-template");
    if (!template || !place) return;
    box = template.content.firstElementChild.cloneNode(true);
    box.place = place;
    box.placeLink = place.matches("p")
      ? place.querySelector(":scope > .place-link")
      : place.querySelector(":scope > .heading-row > .place-link");
    const area = box.querySelector(".cite-text");
    area.value = citation(place);
    const paragraphs = [...text.querySelectorAll("p[id]")];
    const index = place.matches("p") ? paragraphs.indexOf(place) : -1;
    const previous = box.querySelector(".cite-previous");
    const next = box.querySelector(".cite-next");
    previous.disabled = index <= 0;
    next.disabled = index < 0 ? !paragraphs.some((p) => place.contains(p)) : index >= paragraphs.length - 1;
    previous.addEventListener("click", () => move(paragraphs[index - 1]));
    next.addEventListener("click", () =>
      move(index < 0 ? paragraphs.find((p) => place.contains(p)) : paragraphs[index + 1]),
    );
    box.querySelector(".cite-copy").addEventListener("click", () => copy(area, box.querySelector(".cite-status")));
    box.querySelector(".cite-close").addEventListener("click", () => closeBox(true));
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") closeBox(true);
    });
    const heading = place.querySelector(":scope > .heading-row");
    if (place.matches("p") || !heading) place.after(box);
    else heading.after(box);
    box.querySelector(".cite-copy").focus({ preventScroll: true });
  }

  function move(place) {
    if (!place) return;
    location.hash = place.id; // the browser scrolls to it and makes it the :target
    openBox(place);
    box.querySelector(".cite-text").scrollIntoView({ block: "nearest" });
  }

  function showForCopying(area, status, message) {
    area.focus();
    area.select();
    status.textContent = message;
  }

  function copy(area, status) {
    const value = area.value;
    if (!navigator.clipboard || !window.isSecureContext) {
      showForCopying(area, status, "已选中引用文字，请按 Ctrl+C（苹果电脑 ⌘+C）复制");
      return;
    }
    navigator.clipboard.writeText(value).then(
      () => {
        status.textContent = "引用已复制";
      },
      () => showForCopying(area, status, "无法直接复制：已选中引用文字，请按 Ctrl+C（苹果电脑 ⌘+C）复制"),
    );
  }

  text.addEventListener("click", (event) => {
    const link = event.target.closest(".place-link");
    // A link opened in another tab or window leaves this page as it is.
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const place = placeOf(document.getElementById(link.hash.slice(1)));
    // The link itself goes to the place (the address and :target follow); the box opens beside it.
    window.setTimeout(() => openBox(place), 0);
  });

  // An address with an id the page gave before (#s-12, #p-12-3) is shown as the stable one.
  function settleOldAnchor() {
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.classList.contains("old-anchor")) {
      const place = placeOf(target);
      if (place) history.replaceState(null, "", `#${place.id}`);
    }
  }
  settleOldAnchor();
  window.addEventListener("hashchange", settleOldAnchor);

  // --- marked commitments: tips beside the words, reached from the side list ------------------

  function placeTip(mark) {
    const tip = mark.querySelector(".commitment-tip");
    if (!tip) return;
    tip.style.left = "";
    tip.style.top = "";
    tip.style.bottom = "";
    window.requestAnimationFrame(() => {
      const rect = tip.getBoundingClientRect();
      if (!rect.width) return;
      const margin = 8;
      const width = document.documentElement.clientWidth;
      let shift = 0;
      if (rect.right > width - margin) shift = width - margin - rect.right;
      if (rect.left + shift < margin) shift = margin - rect.left;
      if (shift) tip.style.left = `${shift}px`;
      if (rect.bottom > window.innerHeight - margin && rect.top - rect.height > margin) {
        tip.style.top = "auto";
        tip.style.bottom = "calc(100% + 0.3em)";
      }
    });
  }

  text.addEventListener("mouseover", (event) => {
    const mark = event.target.closest(".commitment");
    if (mark && !mark.contains(event.relatedTarget)) placeTip(mark);
  });
  text.addEventListener("focusin", (event) => {
    const mark = event.target.closest(".commitment");
    if (mark) placeTip(mark);
  });
  text.addEventListener("keydown", (event) => {
    // Escape from a mark goes back to where it was reached from: its entry in the side list.
    const mark = event.target.closest && event.target.closest(".commitment");
    if (event.key === "Escape" && mark && panel) {
      const entry = panel.querySelector(`a[href="#${mark.id}"]`);
      if (entry) entry.focus();
    }
  });

  if (panel) {
    panel.addEventListener("click", (event) => {
      const link = event.target.closest('a[href^="#c-"]');
      if (!link) return;
      const mark = document.getElementById(link.hash.slice(1));
      if (mark && mark.classList.contains("commitment")) {
        window.setTimeout(() => mark.focus({ preventScroll: true }), 0);
      }
    });
  }

  // --- filtering the side list by kind --------------------------------------------------------

  const filter = panel && panel.querySelector(".kind-filter");
  if (filter && sideList) {
    filter.hidden = false;
    filter.addEventListener("change", (event) => {
      const kind = event.target.value;
      for (const item of sideList.children) item.hidden = Boolean(kind) && item.dataset.kind !== kind;
      if (kind) article.dataset.kindFilter = kind;
      else delete article.dataset.kindFilter;
    });
  }

  // --- the reading position: the outline and the side list follow it --------------------------

  const sections = [...text.querySelectorAll(":scope > section[id]")];
  if (!sections.length || !("IntersectionObserver" in window)) return;
  const order = new Map(sections.map((section, index) => [section.id, index]));
  const tocLinks = new Map();
  if (toc) for (const link of toc.querySelectorAll('a[href^="#"]')) tocLinks.set(link.hash.slice(1), link);
  const entries = sideList ? [...sideList.children] : [];
  const visible = new Set();
  let current = null;

  function scrollable(box) {
    if (!box || box.scrollHeight <= box.clientHeight + 1) return false;
    const overflow = getComputedStyle(box).overflowY;
    return overflow === "auto" || overflow === "scroll";
  }

  function bringIntoBox(box, element) {
    // Scroll only the box (the sticky outline or side list), never the page the reader is in.
    if (!scrollable(box) || box.matches(":hover, :focus-within")) return;
    const top = element.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    const wanted = Math.max(0, top - box.clientHeight / 3);
    if (Math.abs(box.scrollTop - wanted) > 4) {
      box.scrollTo({ top: wanted, behavior: reducedMotion.matches ? "auto" : "smooth" });
    }
  }

  function setCurrent(section) {
    if (section === current) return;
    current = section;
    for (const link of tocLinks.values()) link.removeAttribute("aria-current");
    const link = section && tocLinks.get(section.id);
    if (link) {
      link.setAttribute("aria-current", "location");
      bringIntoBox(toc, link);
    }
    if (!entries.length || !section) return;
    const here = order.get(section.id);
    let first = null;
    for (const item of entries) {
      const at = order.get(item.dataset.section);
      const inside = item.dataset.section === section.id || item.dataset.section.startsWith(`${section.id}.`);
      item.classList.toggle("is-here", inside);
      if (!first && !item.hidden && at !== undefined && at >= here) first = item;
    }
    if (first) bringIntoBox(panel, first);
  }

  const observer = new IntersectionObserver(
    (changes) => {
      for (const change of changes) {
        if (change.isIntersecting) visible.add(change.target);
        else visible.delete(change.target);
      }
      // The section being read: of those in the top third of the window, the last begun (the end
      // of the one before may still show above it). Changes come as a section's top crosses the
      // line a third of the way down, or its end leaves the window at the top.
      const showing = sections.filter((section) => visible.has(section));
      const reading = showing[showing.length - 1];
      if (reading) setCurrent(reading);
    },
    { rootMargin: "0px 0px -66% 0px" },
  );
  for (const section of sections) observer.observe(section);
})();
