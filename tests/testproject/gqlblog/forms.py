from rustforge.forms import CharField, Form, IntegerField, ValidationError


class CommentForm(Form):
    post_id = IntegerField(min_value=1)
    author_id = IntegerField(min_value=1)
    body = CharField(max_length=500)

    def clean_body(self, value):
        if "spam" in value.lower():
            raise ValidationError("No spam, please.")
        return value
