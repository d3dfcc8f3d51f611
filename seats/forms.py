"""Forms for the recipient's side of a seat."""

from django import forms
from django.utils.html import escape

from . import data_rules
from .models import SupplementalQuestion


class AnswerField(forms.CharField):
    """The answer to one question, refused in the words of the rule the services and the bulk
    imports apply (``data_rules.answer_problem``)."""

    def __init__(self, question: SupplementalQuestion, **kwargs):
        super().__init__(
            label=question.prompt,
            required=question.required,
            # The admin's templates mark help text safe; a store's text is not HTML.
            help_text=escape(question.help_text),
            **kwargs,
        )
        self.question = question

    def validate(self, value):
        if problem := data_rules.answer_problem(self.question, value):
            raise forms.ValidationError(problem)


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
                field = AnswerField(question, widget=forms.Select(choices=choices))
            else:
                field = AnswerField(
                    question,
                    widget=forms.TextInput(attrs={"maxlength": data_rules.ANSWER_MAX_LENGTH}),
                )
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
