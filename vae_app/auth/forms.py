"""Login form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Rester connecté"))
    submit = SubmitField(_l("Se connecter"))
