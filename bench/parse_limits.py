"""What hostile text files cost to parse: wall time and peak memory, or how fast they are refused.

    python bench/parse_limits.py [--case NAME] [--parse-only] [--timeout 600] [--json]

Each case is generated in memory (nothing is written to disk) and read in a child process of its
own, as an import reads an uploaded file: `parse_document` on its UTF-8 bytes (decoding, the
language check, the per-file limits, the parse). The peak resident size reported (`ru_maxrss` of
the child) is that file's alone. `--parse-only` runs `parse_text` on the generated text instead,
without the language check and with the per-file limits lifted: the cost of the parse itself on
inputs that are otherwise refused.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Words of a government report, written for this benchmark; sentences drawn from them read as
# Chinese to the language check (common characters, a natural spread of frequencies).
_WORDS = (
    "推进", "高质量发展", "深化", "改革", "扩大", "开放", "加强", "生态", "保护", "建设", "现代化", "产业", "体系", "提升", "城市", "功能", "完善",
    "公共", "服务", "保障", "改善", "民生", "就业", "教育", "医疗", "养老", "住房", "交通", "水利", "农业", "农村", "乡村", "振兴", "科技",
    "创新", "人才", "营商", "环境", "企业", "项目", "投资", "消费", "市场", "主体", "财政", "收入", "增长", "安全", "稳定", "治理", "能力",
    "政府", "工作", "全面", "坚持", "实施", "战略", "区域", "协调", "文化", "旅游", "绿色", "低碳", "数字", "经济", "基础", "设施",
)  # fmt: skip


def _sentence(rng: random.Random, words: int) -> str:
    return "".join(rng.choice(_WORDS) for _ in range(words))


def many_lines(target_bytes: int = 20_000_000) -> str:
    """About 420,000 short lines (one sentence each) in one part: the outline's worst case."""
    rng = random.Random(1)
    lines, size = ["一、总体要求"], 0
    while size < target_bytes:
        line = f"{_sentence(rng, 4)}，{_sentence(rng, 2)}。"
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
    return "\n".join(lines)


def many_markers(count: int = 200_000) -> str:
    """`一、xx` on every line: as many top-level sections as lines."""
    rng = random.Random(2)
    return "\n".join(f"一、{rng.choice(_WORDS)}" for _ in range(count))


def bare_markers(count: int = 200_000) -> str:
    """`一、` alone on every line: markers with nothing after them, all text of one section."""
    return "\n".join(["一、"] * count)


def repeated_letter(size: int = 19 * 1024 * 1024) -> str:
    return "a" * size


CASES = {
    "many-lines-20MB": many_lines,
    "yi-markers-200k": many_markers,
    "yi-bare-200k": bare_markers,
    "letter-19MiB": repeated_letter,
}


def _child(case: str, parse_only: bool, queue) -> None:
    sys.path.insert(0, str(ROOT))
    import speeches.parsing as parsing
    from speeches.parsing import UnreadableFile, parse_document, parse_text

    text = CASES[case]()
    data = text.encode("utf-8")
    if parse_only:
        for name in ("MAX_CHARACTERS", "MAX_LINES", "MAX_PARAGRAPHS", "MAX_SECTIONS"):
            if hasattr(parsing, name):  # absent before the limits, when measuring the old parse
                setattr(parsing, name, 10**12)
    else:
        del text  # the child holds what an import holds: the file's bytes
    report = {"case": case, "bytes": len(data), "mode": "parse_text" if parse_only else "parse_document"}
    start = time.perf_counter()
    try:
        speeches = parse_text(text) if parse_only else parse_document(data, f"{case}.txt")
        report |= {"refused": None, "speeches": len(speeches)}
        report["paragraphs"] = sum(s.text.count("\n") + 1 for s in speeches)
    except UnreadableFile as error:
        report["refused"] = str(error)
    report["seconds"] = round(time.perf_counter() - start, 2)
    # Linux reports kilobytes; this includes generating the input (a few copies of it).
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    queue.put(report)


def run(case: str, parse_only: bool, timeout: float) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(case, parse_only, queue))
    start = time.perf_counter()
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return {"case": case, "parse_only": parse_only, "timed_out_after_s": timeout}
    report = queue.get() if not queue.empty() else {"case": case, "exit_code": process.exitcode}
    report["child_wall_s"] = round(time.perf_counter() - start, 2)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", choices=sorted(CASES), action="append", help="default: every case")
    parser.add_argument("--parse-only", action="store_true", help="parse_text, no language check, no limits")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a child is killed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    reports = [run(case, args.parse_only, args.timeout) for case in args.case or CASES]
    result = {"machine": f"{multiprocessing.cpu_count()} cores, Python {platform.python_version()}", "runs": reports}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for report in reports:
            print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
