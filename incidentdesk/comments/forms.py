from django import forms

from .services import MAX_LENGTH


class CommentForm(forms.Form):
    prefix = "comment"
    body = forms.CharField(label="Comment", max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Markdown. Mention a colleague with @ and their sign-in name (e.g. @ana): they "
                                     "are told by e-mail and find it in their “My work” until they mark it read.")


class EditCommentForm(forms.Form):
    body = forms.CharField(label="Corrected comment", max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class ReadForm(forms.Form):
    """Marking a mention read takes no input."""
