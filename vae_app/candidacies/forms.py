"""Forms of the candidate portal and the coordinator desk."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..certifications.vocabulary import ExperienceStatus
from .models import AssessmentResult, DocumentKind
from ..web.forms import Form, TickBox, VersionField, WholeNumberField, typed_date
from .workflow import MAX_REASON_LENGTH

RELATED_CHOICES = [("yes", _l("Oui")), ("no", _l("Non")), ("unsaid", _l("Non précisé"))]
RELATED_VALUES = {"yes": True, "no": False, "unsaid": None}  # the radio's value -> what is stored (None: not said)


class NewCandidacyForm(Form):
    offer = SelectField(_l("Certification visée"), validators=[DataRequired()])
    submit = SubmitField(_l("Commencer ma demande"))


class ApplicationForm(Form):
    """Identity and situation (CERFA 12818, livret 1)."""

    version = VersionField()

    birth_date = DateField(_l("Date de naissance"), validators=[Optional(), typed_date])
    birth_place = StringField(_l("Lieu de naissance"), validators=[Optional(), Length(max=120)])
    nationality = StringField(_l("Nationalité"), validators=[Optional(), Length(max=80)])
    address = StringField(_l("Adresse"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Téléphone"), validators=[Optional(), Length(max=30)])
    current_situation = StringField(_l("Situation actuelle"), validators=[Optional(), Length(max=300)])
    highest_diploma = StringField(_l("Diplôme le plus élevé"), validators=[Optional(), Length(max=300)])
    sworn_statement = TickBox(_l(
        "Je déclare sur l'honneur ne déposer qu'une demande pour cette certification cette année civile, "
        "et pas plus de trois demandes pour des certifications différentes."))
    submit = SubmitField(_l("Enregistrer"))

    def validate_birth_date(self, field):
        from .. import clock

        if field.data and field.data >= clock.today():
            raise ValidationError(_l("La date de naissance doit être passée."))


class ExperienceForm(Form):
    version = VersionField()
    status = SelectField(_l("Statut"), choices=ExperienceStatus.choices(), validators=[DataRequired()])
    job_title = StringField(_l("Emploi ou fonction"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisme"), validators=[DataRequired(), Length(max=200)])
    start = DateField(_l("Début"), validators=[InputRequired(message=_l("Date de début obligatoire (AAAA-MM-JJ)."))])
    end_on = DateField(_l("Fin (vide si en cours)"), validators=[Optional(), typed_date])
    hours = WholeNumberField(_l("Nombre total d'heures (vide : temps plein)"), validators=[Optional(), NumberRange(min=1, max=200000)])
    # no answer is chosen for the candidate: « Non précisé » is one they choose (stored as not said)
    related = RadioField(_l("Activités en rapport direct avec la certification"), choices=RELATED_CHOICES,
                         validators=[InputRequired(message=_l("Répondez : oui, non, ou non précisé."))])
    activities = TextAreaField(_l("Activités exercées"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Enregistrer la période"))

    def validate_end_on(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("La fin doit être postérieure au début."))


class DocumentForm(Form):
    kind = SelectField(_l("Type de pièce"), choices=DocumentKind.choices(), validators=[DataRequired()])
    file = FileField(_l("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)"), validators=[FileRequired(_l("Choisissez un fichier."))])
    submit = SubmitField(_l("Déposer la pièce"))


class SectionForm(Form):
    text = TextAreaField(_l("Votre expérience pour cette composante"), validators=[Length(max=50000)])
    submit = SubmitField(_l("Enregistrer cette partie"))


class MoveForm(Form):
    """Any workflow move: a reason, and the version of the candidacy the user saw."""

    reason = TextAreaField(_l("Motif ou justification"), validators=[Optional(), Length(
        max=MAX_REASON_LENGTH, message=_l("Le motif dépasse %(max)d caractères : abrégez-le."))])
    version = HiddenField()
    confirm = TickBox(_l("Je confirme"))
    # move-specific inputs
    session_id = SelectField(_l("Session de jury"), choices=[], validate_choice=False)
    component = SelectField(_l("Composante"), choices=[], validate_choice=False)
    result = SelectField(_l("Résultat"), choices=AssessmentResult.choices(), validate_choice=False)
    note = TextAreaField(_l("Observation"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Valider"))


class QueueForm(Form):
    """The coordinator's queue filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Rechercher (dossier, nom, adresse électronique)"), validators=[Optional(), Length(max=100)])
    etat = SelectField(_l("État"), choices=[], validators=[Optional()], validate_choice=True)
    certification = SelectField(_l("Certification"), choices=[], validators=[Optional()])
    tri = SelectField(_l("Trier par"), choices=[
        ("recent", _l("Dernière modification")), ("reception", _l("Date de réception")),
        ("echeance", _l("Échéance de réponse")), ("dossier", _l("Numéro de dossier")),
    ], default="recent", validators=[Optional()])
