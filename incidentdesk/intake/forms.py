from django import forms


class ReportForm(forms.Form):
    title = forms.CharField(label="What is your concern, in one line", max_length=200)
    details = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 6}),
                              help_text="Which AI tool or output, when, what went wrong, who is affected")
    contact = forms.CharField(label="How can we reach you (optional)", max_length=200, required=False)
    # Honeypot: hidden from people by CSS, filled in by bots. A filled one is thanked and ignored.
    website = forms.CharField(required=False, label="Leave this empty",
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))


class DismissForm(forms.Form):
    reason = forms.CharField(max_length=500)
