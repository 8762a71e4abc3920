"""Text reuse: each speech's signature and its paragraphs' fingerprints, and the speeches alike.

The rows are derived from the speech's text (speeches/reuse.py writes them, speeches/parsing/reuse.py
says how): import, a corrected section, `reextract` and `rebuild_reuse_index` keep them current,
and they go with their speech.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import Section, Speech, SpeechQuerySet


class SpeechSignature(models.Model):
    """A speech's MinHash over its shingles, as bytes, and how many shingles it kept."""

    speech = models.OneToOneField(
        Speech, on_delete=models.CASCADE, primary_key=True, related_name="signature", verbose_name="讲话"
    )
    hashvalues = models.BinaryField()
    shingles = models.PositiveIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "讲话签名"

    def __str__(self) -> str:
        return f"讲话 {self.speech_id} 的签名"


class SignatureBand(models.Model):
    """One LSH band of a signature: speeches sharing a key are compared, so a look-up reads a few
    index entries however many speeches the archive holds."""

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "签名分段"

    def __str__(self) -> str:
        return f"讲话 {self.speech_id} 的分段 {self.key}"


class SimilarSpeechQuerySet(models.QuerySet):
    def of(self, speech: Speech) -> SimilarSpeechQuerySet:
        """The speeches alike to this one, earliest first (the likely source comes first)."""
        return (
            self.filter(speech=speech)
            .select_related("other__city", "other__county", "other__province")
            .defer(*(f"other__{name}" for name in ("text", "original_text", *SpeechQuerySet.LONG_TEXTS)))
            .order_by(F("other__year").asc(nulls_last=True), F("other__delivered_on").asc(nulls_last=True), "other")
        )


class SimilarSpeech(models.Model):
    """Two speeches much of whose text is the same, kept both ways round (speech -> other)."""

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="similar_links")
    other = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField("相似度")

    objects = SimilarSpeechQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["speech", "other"], name="similar_speech_unique")]
        verbose_name = verbose_name_plural = "相似讲话"

    def __str__(self) -> str:
        return f"{self.speech_id} ~ {self.other_id} ({self.similarity:.2f})"


class PassageFingerprint(models.Model):
    """One clause of a paragraph, hashed: the paragraphs holding the same clauses stand in each other."""

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="+")
    # The section's id, not a foreign key: the rows go with their speech (whose key is indexed), and
    # a key to sections would have every deleted section look for rows through an unindexed column.
    section = models.PositiveBigIntegerField("章节")
    paragraph = models.PositiveIntegerField()  # as the speech page numbers it: p-<section>-<paragraph>
    value = models.BigIntegerField()
    length = models.PositiveIntegerField()

    class Meta:
        # Where a clause stands, and in how many speeches, from the index alone.
        indexes = [models.Index(fields=["value", "speech"], name="passage_value_speech")]
        verbose_name = verbose_name_plural = "段落指纹"

    def __str__(self) -> str:
        return f"讲话 {self.speech_id} 第 {self.section} 节第 {self.paragraph} 段"


@receiver(post_save, sender=Section)
def _section_corrected(sender, instance: Section, raw: bool = False, **kwargs) -> None:
    """A part staff corrected: its speech's signature and fingerprints follow its new text. Imports
    write sections in bulk (no signal) and index the speech themselves."""
    if raw:
        return  # a backup being restored: rebuild_reuse_index makes the rows
    from ..reuse import index_speech

    index_speech(instance.speech)
