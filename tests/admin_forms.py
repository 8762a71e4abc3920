"""What tests of the admin's change forms share."""


def change_form_data(response) -> dict:
    """The values a change form was rendered with, as the browser would post them back unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue  # an empty field or unticked box is not sent
            data[form.add_prefix(name)] = "on" if value is True else value
    return data
