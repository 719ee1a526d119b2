"""Login form."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..web.forms import Form


class LoginForm(Form):
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Rester connecté"))
    submit = SubmitField(_l("Se connecter"))


class RegisterForm(Form):
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Mot de passe (10 caractères au moins)"), validators=[DataRequired(), Length(min=10, max=200)])
    password_confirm = PasswordField(_l("Confirmez le mot de passe"),
                                     validators=[DataRequired(), EqualTo("password", message=_l("Les deux mots de passe diffèrent."))])
    submit = SubmitField(_l("Créer mon compte"))


class PasswordForm(Form):
    current_password = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("Nouveau mot de passe (10 caractères au moins)"), validators=[DataRequired(), Length(min=10, max=200)])
    new_password_confirm = PasswordField(_l("Confirmez le nouveau mot de passe"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("Les deux mots de passe diffèrent."))])
    submit = SubmitField(_l("Changer le mot de passe"))


class ForgottenPasswordForm(Form):
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Recevoir un lien par courriel"))


class ResetPasswordForm(Form):
    new_password = PasswordField(_l("Nouveau mot de passe (10 caractères au moins)"), validators=[DataRequired(), Length(min=10, max=200)])
    new_password_confirm = PasswordField(_l("Confirmez le nouveau mot de passe"), validators=[
        DataRequired(), Length(max=200), EqualTo("new_password", message=_l("Les deux mots de passe diffèrent."))])
    submit = SubmitField(_l("Enregistrer le nouveau mot de passe"))
