"""Forms for the recipient's side of a seat."""

from django import forms
from django.utils.html import escape

from .models import SupplementalQuestion


class SupplementalAnswersForm(forms.Form):
    """A product's supplemental questions as fields: a select for a question with choices, a
    text field otherwise. The service checks the answers again; the form puts each problem
    beside its question."""

    def __init__(self, *args, questions: list[SupplementalQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            if question.choice_list:
                choices = [("", "Choose…")] + [(choice, choice) for choice in question.choice_list]
                field = forms.ChoiceField(choices=choices)
            else:
                field = forms.CharField(max_length=1000)
            field.label = question.prompt
            field.required = question.required
            # The shared field template marks help text safe; a store's text is not HTML.
            field.help_text = escape(question.help_text)
            self.fields[self.field_name(question)] = field

    @staticmethod
    def field_name(question: SupplementalQuestion) -> str:
        return f"question_{question.pk}"

    def answers(self) -> dict[str, str]:
        """{question id: answer}, the shape the seat services take."""
        return {
            str(question.pk): self.cleaned_data.get(self.field_name(question), "")
            for question in self.questions
        }
