"""Forms of the candidate portal and the coordinator desk."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..certifications.vocabulary import ExperienceStatus
from ..controls import visible_or_none
from .models import AssessmentResult, DocumentKind, FeasibilityModel
from ..web.forms import DayField, Form, TickBox, VersionField, WholeNumberField, typed_date
from .workflow import MAX_REASON_LENGTH

RELATED_CHOICES = [("yes", _l("Oui")), ("no", _l("Non")), ("unsaid", _l("Non précisé"))]
RELATED_VALUES = {"yes": True, "no": False, "unsaid": None}  # the radio's value -> what is stored (None: not said)


class NewCandidacyForm(Form):
    offer = SelectField(_l("Certification visée"), validators=[DataRequired()])
    submit = SubmitField(_l("Commencer ma demande"))


class ApplicationForm(Form):
    """Identity and situation (CERFA 12818, livret 1)."""

    version = VersionField()

    birth_date = DayField(_l("Date de naissance"), validators=[Optional(), typed_date])
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


class FeasibilityForm(Form):
    """The feasibility file's own parts (C. trav. R6412-2, R6412-3): the pathway's start on France VAE, its target,
    initial training, the file's model and the accompanier's opinion. ``target`` choices are set per certification:
    ``whole``, ``option:<id>`` for each option, ``blocs`` (then ``blocs`` lists the codes)."""

    version = VersionField()
    pathway_started_on = DayField(_l("Date d'inscription du parcours sur France VAE (vide : la date de dépôt)"),
                                   validators=[Optional(), typed_date])
    target = RadioField(_l("Objet de la demande"), choices=[], validators=[InputRequired(message=_l("Choisissez ce que vise la demande."))])
    blocs = SelectMultipleField(_l("Blocs de compétences visés"), choices=[], validate_choice=False,
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    in_initial_training = RadioField(_l("Préparez-vous cette certification en formation initiale en ce moment ?"),
                                     choices=RELATED_CHOICES[:2], validate_choice=False, validators=[Optional()])
    prior_learning = TextAreaField(_l("Formations suivies, diplômes et blocs de compétences déjà obtenus ou en cours"),
                                   validators=[Optional(), Length(max=5000)])
    feasibility_model = RadioField(_l("Modèle du dossier de faisabilité"), choices=FeasibilityModel.choices(), validate_choice=False,
                                   validators=[Optional()])
    accompanier = StringField(_l("Accompagnateur (organisme ou personne)"), validators=[Optional(), Length(max=200)])
    accompanier_opinion = TextAreaField(_l("Avis de l'accompagnateur sur le dossier"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Enregistrer le dossier de faisabilité"))

    def validate_in_initial_training(self, field):
        if field.data not in (None, "", *(value for value, _label in field.choices)):
            raise ValidationError(_l("Répondez par oui ou par non (ou laissez sans réponse pour l'instant)."))

    def validate_feasibility_model(self, field):
        if field.data not in (None, "", *(value for value, _label in field.choices)):
            raise ValidationError(_l("Choisissez l'un des deux modèles (ou laissez sans réponse pour l'instant)."))

    def validate_blocs(self, field):
        if self.target.data == "blocs" and not field.data:
            raise ValidationError(_l("Cochez au moins un bloc."))


class FeasibilityReviewForm(Form):
    """The certifier's gaps per targeted bloc (fields ``gap_<code>``, added per candidacy) and recommendations (N5);
    ``version``: the candidacy as the certifier saw it (a form left open while the target changed is refused)."""

    version = VersionField()

    recommendations = TextAreaField(_l("Recommandations (facultatives : formations complémentaires utiles…)"),
                                    validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Enregistrer les écarts et recommandations"))


def review_form_for(components, candidacy, posted: bool = False) -> FeasibilityReviewForm:
    """A review form with one gap field per targeted component: as posted, or filled from the candidacy."""
    fields = {f"gap_{component.code}": TextAreaField(f"{component.code} — {component.title}", validators=[Optional(), Length(max=5000)])
              for component in components}
    form_class = type("ComponentReviewForm", (FeasibilityReviewForm,), fields)
    if posted:
        return form_class()
    form = form_class(formdata=None)
    form.version.data = candidacy.version
    said = candidacy.component_gaps or {}
    for component in components:
        form[f"gap_{component.code}"].data = said.get(component.code, "")
    form.recommendations.data = candidacy.recommendations or ""
    return form


class ExperienceForm(Form):
    version = VersionField()
    status = SelectField(_l("Statut"), choices=ExperienceStatus.choices(), validators=[DataRequired()])
    job_title = StringField(_l("Emploi ou fonction"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisme"), validators=[DataRequired(), Length(max=200)])
    start = DayField(_l("Début"), validators=[InputRequired(message=_l("Date de début obligatoire."))])
    end_on = DayField(_l("Fin (vide si en cours)"), validators=[Optional(), typed_date])
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
    kind = SelectField(_l("Type de pièce"), choices=[(k.value, k.label) for k in DocumentKind.supporting()], validators=[DataRequired()])
    file = FileField(_l("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)"), validators=[FileRequired(_l("Choisissez un fichier."))])
    submit = SubmitField(_l("Déposer la pièce"))


class SectionForm(Form):
    text = TextAreaField(_l("Votre expérience pour cette composante"), validators=[Length(max=50000)])
    submit = SubmitField(_l("Enregistrer cette partie"))


class ValidationDocumentForm(Form):
    """A PDF for one component's part of the validation file (the same checks as every upload, PDF only)."""

    file = FileField(_l("Document PDF (10 Mo au plus)"), validators=[FileRequired(_l("Choisissez un fichier."))])
    submit = SubmitField(_l("Joindre ce document"))


def validation_document_form(component_code: str, posted: bool = False) -> ValidationDocumentForm:
    """The upload form of one component's part (its fields named after the component: one form per part on the page)."""
    prefix = f"document-{component_code}"
    return ValidationDocumentForm(prefix=prefix) if posted else ValidationDocumentForm(prefix=prefix, formdata=None)


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


def feasibility_form_for(candidacy, cert, language: str, posted: bool = False) -> FeasibilityForm:
    """The feasibility form with the certification's targets as choices: as posted, or filled from the candidacy."""
    form = FeasibilityForm() if posted else FeasibilityForm(formdata=None)
    options = cert.award_options
    whole = [("whole", _l("La certification entière"))] if len(options) == 1 else [
        (f"option:{o.id}", o.label.get(language) or o.label.get("fr") or o.id) for o in options]
    form.target.choices = whole + [("blocs", _l("Un ou plusieurs blocs de compétences"))]
    form.blocs.choices = [(c.code, f"{c.code} — {c.title}") for c in cert.components]
    if posted:
        return form
    form.version.data = candidacy.version
    form.pathway_started_on.data = candidacy.pathway_started_on
    option = cert.option_targeted(candidacy.target_components)
    if candidacy.target_components is None:
        form.target.data = "whole" if len(options) == 1 else None
    elif option is not None and len(options) > 1:
        form.target.data = f"option:{option.id}"
    else:
        form.target.data, form.blocs.data = "blocs", list(candidacy.target_components)
    form.in_initial_training.data = {True: "yes", False: "no"}.get(candidacy.in_initial_training)
    form.feasibility_model.data = candidacy.feasibility_model.value if candidacy.feasibility_model else None
    form.accompanier.data, form.accompanier_opinion.data = candidacy.accompanier, candidacy.accompanier_opinion
    form.prior_learning.data = candidacy.prior_learning
    return form


def feasibility_values(form: FeasibilityForm, cert) -> dict:
    """What the posted feasibility form says, as the operation takes it (``target_components`` None: the whole)."""
    choice = form.target.data or ""
    if choice == "whole":
        target = None
    elif choice.startswith("option:"):
        option = next((o for o in cert.award_options if o.id == choice[len("option:"):]), None)
        target = list(option.components) if option else []
    else:
        target = list(form.blocs.data or [])
    model = form.feasibility_model.data
    return {"pathway_started_on": form.pathway_started_on.data, "target_components": target,
            "in_initial_training": RELATED_VALUES.get(form.in_initial_training.data),
            "prior_learning": visible_or_none(form.prior_learning.data),
            "feasibility_model": FeasibilityModel(model) if model in {m.value for m in FeasibilityModel} else None,
            "accompanier": visible_or_none(form.accompanier.data), "accompanier_opinion": visible_or_none(form.accompanier_opinion.data)}
