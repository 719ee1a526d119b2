"""Forms of the jury pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField,
    SubmitField, TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..candidacies.workflow import MIN_REASON_LENGTH
from ..certifications.vocabulary import Gender
from ..web.forms import DayField, Form, MomentField, TickBox, VersionField, WholeNumberField, typed_date
from .models import DayPart, TieKind


class MemberForm(Form):
    last_name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=100)])
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(), Email(), Length(max=254)])
    gender = SelectField(_l("Genre"), choices=Gender.choices(), validators=[DataRequired()])
    qualifications = SelectMultipleField(_l("Qualifications"), choices=[], validators=[DataRequired()])
    certifications = SelectMultipleField(_l("Certifications pour lesquelles il peut siéger"), choices=[], validators=[DataRequired()])
    site = StringField(_l("Site"), validators=[Optional(), Length(max=100)])
    organisation = StringField(_l("Organisme"), validators=[Optional(), Length(max=200)])
    max_sessions = WholeNumberField(_l("Nombre de sessions au plus par campagne"), default=6,
                                validators=[InputRequired(), NumberRange(min=1, max=200)])
    version = VersionField()
    submit = SubmitField(_l("Enregistrer"))


class TieForm(Form):
    candidate = SelectField(_l("Candidat"), choices=[], validators=[DataRequired()])
    kind = SelectField(_l("Nature du lien"), choices=TieKind.choices(), validators=[DataRequired()])
    note = StringField(_l("Précision"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Déclarer le lien"))


class AvailabilityForm(Form):
    starts_at = MomentField(_l("Disponible du"), validators=[InputRequired(), typed_date])
    ends_at = MomentField(_l("au"), validators=[InputRequired(), typed_date])
    submit = SubmitField(_l("Ajouter la disponibilité"))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("La fin doit suivre le début."))


class ImportForm(Form):
    file = FileField(_l("Fichier CSV ou XLSX"), validators=[FileRequired(_l("Choisissez un fichier."))])
    submit = SubmitField(_l("Prévisualiser"))


class ImportConfirmForm(Form):
    filename = HiddenField()
    payload = HiddenField()
    submit = SubmitField(_l("Importer ces membres"))


class SessionForm(Form):
    certification = SelectField(_l("Certification"), choices=[], validators=[DataRequired()])
    starts_at = MomentField(_l("Début"), validators=[InputRequired(), typed_date])
    ends_at = MomentField(_l("Fin"), validators=[InputRequired(), typed_date])
    site = StringField(_l("Site"), validators=[DataRequired(), Length(max=100)])
    room = StringField(_l("Salle"), validators=[Optional(), Length(max=100)])
    capacity = WholeNumberField(_l("Candidats entendus au plus"), validators=[Optional(), NumberRange(min=1, max=20)])
    version = VersionField()
    submit = SubmitField(_l("Enregistrer la session"))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("La fin doit suivre le début."))


class SeatForm(Form):
    member = SelectField(_l("Membre"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("Ajouter au jury"))


class SessionCandidateForm(Form):
    candidacy = SelectField(_l("Dossier prêt pour le jury"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("Ajouter le candidat"))


class ConfirmSessionForm(Form):
    acknowledge = TickBox(_l("J'ai pris connaissance des points indéterminés et je confirme la session"))
    note = TextAreaField(_l("Observation (facultatif)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Confirmer la session et convoquer"))


class GenderExceptionForm(Form):
    reason = TextAreaField(_l("Pourquoi un jury avec des femmes et des hommes n'a pas pu être formé (figure au procès-verbal ; "
                              "laissez vide pour retirer le motif)"), validators=[Optional(), Length(max=2000)])
    version = VersionField()
    submit = SubmitField(_l("Enregistrer le motif"))


TOLD_THE_MEMBER = _l("Le motif est obligatoire : il est communiqué au membre qui se retire.")


def _told_reason(label, required: str) -> TextAreaField:
    """A reason the people concerned are told: required (``required`` says why), of a readable length."""
    return TextAreaField(label, validators=[
        DataRequired(message=required),
        Length(min=MIN_REASON_LENGTH, max=2000, message=_l("Le motif doit compter de %(min)d à %(max)d caractères."))],
        render_kw={"rows": 2, "maxlength": 2000})


class WithdrawMemberForm(Form):
    from_day = DayField(_l("Ne peut plus siéger à partir du"), validators=[InputRequired(message=_l("Date obligatoire.")), typed_date])
    reason = _told_reason(_l("Motif (communiqué au membre et consigné au journal)"), TOLD_THE_MEMBER)
    confirm = TickBox(_l("Je retire ce membre de ses sessions à venir à partir de cette date : ses remplaçants sont convoqués, "
                         "les personnes concernées prévenues."),
                      validators=[DataRequired(message=_l("Cochez la case pour retirer ce membre."))])
    submit = SubmitField(_l("Retirer et remplacer dans ses sessions"))


class ReplaceMemberForm(Form):
    version = VersionField()
    replacement = RadioField(_l("Remplaçant"), choices=[], validate_choice=False,
                             validators=[InputRequired(message=_l("Choisissez le membre qui remplace."))])
    reason = _told_reason(_l("Motif (communiqué au membre qui se retire)"), TOLD_THE_MEMBER)
    submit = SubmitField(_l("Remplacer et convoquer le remplaçant"))


class ReopenSessionForm(Form):
    reason = _told_reason(_l("Motif (communiqué aux candidats et aux membres)"),
                          _l("Le motif est obligatoire : il est communiqué aux candidats et aux membres."))
    confirm = TickBox(_l("Je rouvre la session : les convocations sont annulées, et elle devra être confirmée à nouveau."),
                           validators=[DataRequired(message=_l("Cochez la case pour rouvrir la session."))])
    submit = SubmitField(_l("Rouvrir la session"))


class CampaignForm(Form):
    start = DayField(_l("Du"), validators=[InputRequired(), typed_date])
    end = DayField(_l("Au"), validators=[InputRequired(), typed_date])
    certifications = SelectMultipleField(_l("Certifications"), choices=[], validators=[DataRequired()])
    sites = StringField(_l("Sites (séparés par des virgules)"), validators=[DataRequired(), Length(max=300)])
    rooms = WholeNumberField(_l("Salles par site et par demi-journée"), default=2, validators=[InputRequired(), NumberRange(min=1, max=30)])
    time_limit = WholeNumberField(_l("Temps de calcul (secondes)"), default=10, validators=[InputRequired(), NumberRange(min=1, max=600)])
    submit = SubmitField(_l("Proposer un plan"))

    def validate_start(self, field):
        from .. import clock

        if field.data and field.data < clock.today():
            raise ValidationError(_l("Une campagne se planifie à partir d'aujourd'hui ou plus tard."))

    def validate_sites(self, field):
        if field.data and not [site for site in field.data.split(",") if site.strip()]:
            raise ValidationError(_l("Indiquez au moins un site."))

    def validate_end(self, field):
        if field.data and self.start.data:
            if field.data < self.start.data:
                raise ValidationError(_l("La fin doit suivre le début."))
            if (field.data - self.start.data).days > 183:
                raise ValidationError(_l("Six mois au plus par campagne."))


_TICKS, _TICK = ListWidget(prefix_label=False), CheckboxInput()


class CampaignRepairForm(Form):
    """What has changed in a campaign whose sessions are in the record (step 1), then the reason told to everyone
    concerned and the proposal's fingerprint (step 2: applying what was read)."""

    withdrawn = SelectMultipleField(_l("Membres qui ne peuvent plus siéger"), choices=[], coerce=int, widget=_TICKS, option_widget=_TICK)
    withdrawn_from = DayField(_l("… à partir du"), validators=[Optional(), typed_date])
    withdrawn_slot = SelectField(_l("… ou seulement la demi-journée du"), choices=[], validators=[Optional()])
    lost_slots = SelectMultipleField(_l("Demi-journées perdues (salle ou site indisponible)"), choices=[], widget=_TICKS,
                                     option_widget=_TICK)
    rooms_slot = SelectField(_l("Salles en moins la demi-journée du"), choices=[], validators=[Optional()])
    rooms_lost = WholeNumberField(_l("Nombre de salles en moins"), validators=[Optional(), NumberRange(min=1, max=30)])
    removed = SelectMultipleField(_l("Dossiers à retirer de la campagne"), choices=[], widget=_TICKS, option_widget=_TICK)
    place_new = TickBox(_l("Placer les dossiers prêts pour le jury qui n'ont pas de session"), default=True)
    fingerprint = HiddenField()
    reason = TextAreaField(_l("Motif, envoyé tel quel à tous les candidats et membres concernés : n'y écrivez rien de personnel "
                              "(santé, situation d'une personne)"), validators=[Length(max=2000)])
    preview = SubmitField(_l("Voir les changements proposés"))
    apply = SubmitField(_l("Appliquer ces changements"))
    confirm = TickBox(_l("J'applique ces changements : les personnes concernées sont prévenues, les convocations annulées "
                         "et envoyées à nouveau."))

    rooms_of: dict[str, int] = {}  # rooms of each half-day offered, set by the view

    def validate_rooms_slot(self, field):
        if field.data and not any(self.rooms_lost.raw_data or []):
            raise ValidationError(_l("Indiquez combien de salles sont perdues."))

    def validate_rooms_lost(self, field):
        if field.data and not self.rooms_slot.data:
            raise ValidationError(_l("Choisissez la demi-journée où les salles sont perdues."))
        rooms = self.rooms_of.get(self.rooms_slot.data or "")
        if field.data and rooms is not None and field.data > rooms:
            raise ValidationError(_l("Salles de la campagne cette demi-journée : %(rooms)s ; vous ne pouvez pas en retirer davantage.", rooms=rooms))

    def validate_withdrawn(self, field):
        """Checked here, on the members: the day and the half-day are optional fields (an empty one is not validated)."""
        if not field.data and (self.withdrawn_from.data or self.withdrawn_slot.data):
            raise ValidationError(_l("Choisissez le ou les membres concernés."))
        if field.data and not any(self.withdrawn_from.raw_data or []) and not self.withdrawn_slot.data:
            raise ValidationError(_l("Indiquez à partir de quel jour, ou la seule demi-journée."))
        if self.withdrawn_from.data and self.withdrawn_slot.data:
            raise ValidationError(_l("Une date ou une demi-journée, pas les deux."))


class InviteForm(Form):
    """Invite a jury's members (or a campaign's juries) to say whether they will sit."""

    answer_by = DayField(_l("Réponse attendue au plus tard le"), validators=[InputRequired(message=_l("Date obligatoire.")), typed_date])
    submit = SubmitField(_l("Inviter les membres du jury"))


class AnswerForm(Form):
    """A member's answer to an invitation: yes, or no with an optional reason."""

    answer = RadioField(_l("Votre réponse"), choices=[("yes", _l("Je siégerai")), ("no", _l("Je ne pourrai pas siéger"))],
                        validators=[InputRequired(message=_l("Choisissez votre réponse."))])
    reason = TextAreaField(_l("Motif, si vous ne pouvez pas (facultatif ; lu par le service)"),
                           validators=[Optional(), Length(max=500, message=_l("500 caractères au plus."))],
                           render_kw={"rows": 2, "maxlength": 500})
    submit = SubmitField(_l("Envoyer ma réponse"))


class OwnAvailabilityForm(Form):
    """A member declares a half-day (or a day) when they can sit."""

    day = DayField(_l("Jour"), validators=[InputRequired(message=_l("Date obligatoire.")), typed_date])
    part = SelectField(_l("Moment"), choices=DayPart.choices(), validators=[InputRequired(message=_l("Choisissez le moment."))])
    submit = SubmitField(_l("Déclarer cette disponibilité"))


class PreferencesForm(Form):
    """The sites a member can reach and the sessions they accept per campaign."""

    sites = StringField(_l("Sites où vous pouvez siéger (séparés par des virgules ; vide : tous)"),
                        validators=[Length(max=2000)], render_kw={"maxlength": 2000})
    max_sessions = WholeNumberField(_l("Sessions au plus par campagne"),
                                    validators=[InputRequired(message=_l("Nombre obligatoire.")),
                                                NumberRange(min=0, max=50, message=_l("Un nombre de 0 à 50."))])
    submit = SubmitField(_l("Enregistrer mes préférences"))
