"""Login, registration and password forms; the administrators' account forms."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from ..web.forms import Form, TickBox


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


class LanguageForm(Form):
    language = SelectField(_l("Langue de vos courriels"), choices=[("fr", "Français"), ("en", "English")],
                           validators=[DataRequired()])
    submit = SubmitField(_l("Enregistrer"))


class ForgottenPasswordForm(Form):
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Recevoir un lien par courriel"))


class ResetPasswordForm(Form):
    new_password = PasswordField(_l("Nouveau mot de passe (10 caractères au moins)"), validators=[DataRequired(), Length(min=10, max=200)])
    new_password_confirm = PasswordField(_l("Confirmez le nouveau mot de passe"), validators=[
        DataRequired(), Length(max=200), EqualTo("new_password", message=_l("Les deux mots de passe diffèrent."))])
    submit = SubmitField(_l("Enregistrer le nouveau mot de passe"))


class AccountForm(Form):
    """An administrator's form for an account; the e-mail and the role's certifier are checked by the operation."""

    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Rôle"), choices=[])
    certifier = SelectField(_l("Certificateur (pour un compte de coordination seulement)"), choices=[])
    language = SelectField(_l("Langue des courriels"), choices=[("fr", _l("Français")), ("en", _l("Anglais"))])
    stamp = HiddenField()
    submit = SubmitField(_l("Enregistrer"))


class AccountStatusForm(Form):
    """Deactivate or reactivate an account: a ticked confirmation and a reason, for the journal."""

    reason = TextAreaField(_l("Motif (obligatoire, de 5 à 500 caractères ; consigné au journal)"),
                           validators=[DataRequired(), Length(max=500)])
    confirm = TickBox(_l("Je confirme."), validators=[InputRequired(_l("Cochez la case pour confirmer."))])
    submit = SubmitField(_l("Confirmer"))
