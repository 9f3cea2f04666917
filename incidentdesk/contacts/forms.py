from django import forms

from .models import Contact


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["kind", "name", "organisation", "email", "phone", "how_to_reach", "escalation_order",
                  "last_verified_on", "private"]
        widgets = {"last_verified_on": forms.DateInput(attrs={"type": "date"}),
                   "how_to_reach": forms.Textarea(attrs={"rows": 2})}
