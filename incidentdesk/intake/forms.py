from django import forms


class ReportForm(forms.Form):
    title = forms.CharField(label="What is your concern, in one line", max_length=200)
    details = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 6}),
                              help_text="Which AI tool or output, when, what went wrong, who is affected")
    contact = forms.CharField(label="How can we reach you (optional)", max_length=200, required=False)
    # Honeypot: bots fill it, people never see it. The template renders it inside a `hidden`, aria-hidden
    # wrapper (not only CSS), out of the tab order and without autofill. A filled one stores nothing, and the
    # sender is told the report was not accepted and how else to reach the organisation (a person might
    # still have filled it), rather than being thanked for a report silently thrown away.
    website = forms.CharField(required=False, label="Spam trap: leave this field blank",
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1",
                                                            "aria-hidden": "true"}))


class DismissForm(forms.Form):
    reason = forms.CharField(max_length=500)
