from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import Commitment, Speech


def home(request):
    """The front page. Template: speeches/home.html; context: latest speeches and counts."""
    return render(
        request,
        "speeches/home.html",
        {
            "latest": Speech.objects.for_listing()[:10],
            "speech_count": Speech.objects.count(),
            "commitment_count": Commitment.objects.count(),
        },
    )


def speech_list(request):
    """All speeches, newest first. Template: speeches/speech_list.html; context: page_obj."""
    paginator = Paginator(Speech.objects.for_listing(), 25)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(request, "speeches/speech_list.html", {"page_obj": page_obj})


def speech_detail(request, pk: int):
    """One speech with its outline. Template: speeches/speech_detail.html; context: speech, sections."""
    speech = get_object_or_404(Speech.objects.select_related("city", "province", "primary_topic"), pk=pk)
    sections = list(speech.sections.all())
    return render(request, "speeches/speech_detail.html", {"speech": speech, "sections": sections})
