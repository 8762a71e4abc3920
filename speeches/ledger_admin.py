"""The ledger in the admin: staff correct which result a target is judged by, or its status.

A saved change marks the entry `edited`, and from then on imports and re-extraction leave it as
staff left it. Changing only the result re-judges the status by the rule, unless staff set the
status too; unticking 人工修改 hands the entry back to the rule.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from .ledger import judge_entry, relink_place
from .models import LedgerEntry, Outcome
from .models.ledger import place_of
from .parsing.indicators import load_indicators

INDICATOR_CHOICES = [(indicator.slug, indicator.name) for indicator in load_indicators()]


class LedgerEntryForm(forms.ModelForm):
    indicator = forms.ChoiceField(label="指标", choices=INDICATOR_CHOICES)

    class Meta:
        model = LedgerEntry
        fields = ("indicator", "target_year", "outcome", "status", "explanation", "edited")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    form = LedgerEntryForm
    list_display = ("__str__", "speech", "indicator", "target_year", "text", "outcome", "status", "edited")
    list_filter = ("status", "edited", "indicator", "target_year")
    search_fields = ("text", "commitment__text", "speech__title")
    list_select_related = ("speech", "outcome")
    raw_id_fields = ("outcome",)
    readonly_fields = ("speech", "commitment", "target_position", "value", "value_max", "unit", "qualifier", "text")
    fieldsets = (
        ("目标", {"fields": ("speech", "commitment", "text", ("value", "value_max", "unit", "qualifier"))}),
        ("对照", {"fields": ("indicator", "target_year", "outcome", "status", "explanation", "edited")}),
    )

    def has_add_permission(self, request):
        return False  # entries come from the targets of imported speeches

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data)
        if changed == {"edited"} and not obj.edited:
            # Handed back to the rule: linked and judged afresh with the rest of its place.
            super().save_model(request, obj, form, change)
            relink_place(place_of(obj.speech))
            return
        if changed & {"outcome", "indicator", "target_year"} and not changed & {"status", "explanation"}:
            judge_entry(obj)
        obj.edited = True
        super().save_model(request, obj, form, change)


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "speech", "indicator", "year", "amount_text")
    list_filter = ("indicator", "year")
    search_fields = ("text", "speech__title")
    list_select_related = ("speech",)
    fields = ("speech", "section", "paragraph", "position", "text", "amount_text", "indicator", "year", "value", "unit")

    # Results are what the text says: extraction writes them again. A wrong link is corrected on its entry.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
