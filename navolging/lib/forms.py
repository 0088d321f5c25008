from __future__ import annotations

from django import forms

_WIDGET_CLASSES = {
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.FileInput: "utrecht-textbox utrecht-textbox--html-input nv-file",
}


class NLDSFormMixin:
    """Gives every widget its NL Design System class and the ARIA links to help and errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Also for forms that add fields after __init__."""
        for name, field in self.fields.items():
            widget = field.widget
            css = next(
                (c for kind, c in _WIDGET_CLASSES.items() if isinstance(widget, kind)),
                "utrecht-textbox utrecht-textbox--html-input",
            )
            widget.attrs.setdefault("class", css)
            self._describe(name, invalid=False)

    def full_clean(self) -> None:
        # Marked after validation, not in __init__: reading self.errors there would validate
        # before a form has finished setting up its fields (e.g. a queryset set in __init__).
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self._describe(name, invalid=True)

    def _describe(self, name: str, *, invalid: bool) -> None:
        field = self.fields[name]
        described = []
        if field.help_text:
            described.append(f"id_{self.add_prefix(name)}_help")
        if invalid:
            described.append(f"id_{self.add_prefix(name)}_error")
        if described and not isinstance(
            field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            field.widget.attrs["aria-describedby"] = " ".join(described)
