"""Coordinator forms: a person, a shift template's requirements. Messages in English, shown translated."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from scheduler.people.models import CATEGORY_LABELS_ZH, Category, Skill
from scheduler.rosters.models import Priority, ShiftTemplate
from scheduler.rosters.templates import MAX_HEADS_PER_ROW, DemandInput, TemplateInput

CATEGORY_LABELS_EN = {
    Category.PARTY_IN_SERVICE: "Party member (in service)",
    Category.PARTY_NO_POST: "Party member (no post)",
    Category.GRID_FULL_TIME: "Full-time grid worker",
    Category.GRID_PART_TIME: "Part-time grid worker",
    Category.VOLUNTEER: "Volunteer",
    Category.PROFESSIONAL: "Professional",
}
PRIORITY_LABELS = {
    Priority.NORMAL: ("普通", "normal"),
    Priority.HIGH_RISK: ("高风险", "high risk"),
    Priority.EMERGENCY: ("应急", "emergency"),
}
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def category_label(category: Category, english: bool) -> str:
    return CATEGORY_LABELS_EN[category] if english else CATEGORY_LABELS_ZH[category]


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        # Why: WTForms' own message here is a plural form its Chinese catalogue leaves untranslated.
        allowed = {str(value) for value, *_ in self.iter_choices()}
        if any(str(v) not in allowed for v in self.data or []):
            raise ValidationError(_l("Not a valid choice"))


class PersonForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the name")), Length(max=64, message=_l("At most 64 characters"))],
    )
    category = SelectField(_l("Category"), validators=[InputRequired(_l("Choose a category"))])
    phone = StringField(
        _l("Mobile phone"),
        validators=[
            DataRequired(_l("Enter the mobile phone number")),
            Length(max=32, message=_l("Too long")),
        ],
    )
    home_grid_id = SelectField(_l("Home grid"), coerce=int, validators=[InputRequired(_l("Choose a grid"))])
    email = StringField(
        _l("E-mail"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Too long")),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Not an e-mail address")),
        ],
    )
    work_unit = StringField(_l("Work unit"), validators=[Optional(), Length(max=128, message=_l("Too long"))])
    organisation = StringField(
        _l("Organisation"), validators=[Optional(), Length(max=128, message=_l("Too long"))]
    )
    profession = StringField(
        _l("Profession"), validators=[Optional(), Length(max=32, message=_l("Too long"))]
    )
    birth_year = IntegerField(
        _l("Year of birth"), validators=[Optional(), NumberRange(1900, 2020, _l("Between 1900 and 2020"))]
    )
    max_hours_per_week = IntegerField(
        _l("At most hours per week"), validators=[Optional(), NumberRange(0, 84, _l("Between 0 and 84"))]
    )
    monthly_quota_hours = IntegerField(
        _l("Service hours per month (双报到)"),
        default=0,
        validators=[
            InputRequired(_l("Enter a number (0 if none)")),
            NumberRange(0, 200, _l("Between 0 and 200")),
        ],
    )
    experienced = BooleanField(_l("Experienced"))
    no_night = BooleanField(_l("No night shifts"))
    no_heavy = BooleanField(_l("No heavy duty"))
    skills = MultiCheckboxField(_l("Skills and certificates"), choices=[])

    def setup(self, *, grids: list[tuple[int, str]], skills: list[Skill], english: bool) -> PersonForm:
        self.category.choices = [(c.value, category_label(c, english)) for c in Category]
        self.home_grid_id.choices = grids
        self.skills.choices = [(s.code, s.name_en if english else s.name_zh) for s in skills]
        return self

    def to_input(self) -> Any:
        from scheduler.people.service import PersonInput

        def text(f: Field) -> str | None:
            return (f.data or "").strip() or None

        return PersonInput(
            name=self.name.data or "",
            category=Category(self.category.data),
            phone=self.phone.data or "",
            home_grid_id=int(self.home_grid_id.data),
            email=text(self.email),
            work_unit=text(self.work_unit),
            organisation=text(self.organisation),
            profession=text(self.profession),
            birth_year=self.birth_year.data,
            experienced=bool(self.experienced.data),
            no_night=bool(self.no_night.data),
            no_heavy=bool(self.no_heavy.data),
            max_hours_per_week=self.max_hours_per_week.data,
            monthly_quota_hours=self.monthly_quota_hours.data or 0,
            skill_codes=frozenset(self.skills.data or []),
        )


class TemplateForm(FlaskForm):  # type: ignore[misc]
    weekdays = MultiCheckboxField(_l("Days"), choices=[])
    start = TimeField(_l("Starts"), validators=[InputRequired(_l("Enter a time like 08:30"))])
    end = TimeField(_l("Ends"), validators=[InputRequired(_l("Enter a time like 17:30"))])
    priority = SelectField(_l("Priority"), choices=[])
    needs_party_lead = BooleanField(_l("Needs a party-member lead (党员先锋岗)"))
    needs_professional = BooleanField(_l("Needs a professional"))
    active = BooleanField(_l("In use"))
    count_any = IntegerField(
        _l("Anyone"),
        default=0,
        validators=[
            Optional(),  # blank: nobody
            NumberRange(0, MAX_HEADS_PER_ROW, _l("Between 0 and 50")),
        ],
    )


def template_form(
    skills: list[Skill], english: bool, template: ShiftTemplate | None, formdata: Any
) -> TemplateForm:
    """A TemplateForm with one head-count field per skill (``count_<code>``)."""

    class Form(TemplateForm):
        pass

    for s in skills:
        setattr(
            Form,
            f"count_{s.code}",
            IntegerField(
                s.name_en if english else s.name_zh,
                default=0,
                validators=[
                    Optional(),  # blank: nobody with this skill
                    NumberRange(0, MAX_HEADS_PER_ROW, _l("Between 0 and 50")),
                ],
            ),
        )
    data: dict[str, Any] = {}
    if template is not None:
        data = {
            "weekdays": list(template.weekdays),
            "start": template.start,
            "end": template.end,
            "priority": template.priority.value,
            "needs_party_lead": template.needs_party_lead,
            "needs_professional": template.needs_professional,
            "active": template.active,
            "count_any": 0,
        }
        for d in template.demands:
            key = f"count_{d.skill.code}" if d.skill else "count_any"
            data[key] = data.get(key, 0) + d.count
    form = Form(formdata=formdata, data=data)
    names = WEEKDAYS_EN if english else WEEKDAYS_ZH
    form.weekdays.choices = [(str(i), n) for i, n in enumerate(names)]
    form.priority.choices = [(p.value, PRIORITY_LABELS[p][1 if english else 0]) for p in Priority]
    form.skill_fields = [(s, getattr(form, f"count_{s.code}")) for s in skills]
    return form


def template_input(form: TemplateForm, skills: list[Skill]) -> TemplateInput:
    demands = [DemandInput(None, form.count_any.data or 0)]
    demands += [DemandInput(s.code, getattr(form, f"count_{s.code}").data or 0) for s in skills]
    return TemplateInput(
        weekdays="".join(sorted(form.weekdays.data or [])),
        start=form.start.data,
        end=form.end.data,
        priority=Priority(form.priority.data),
        needs_party_lead=bool(form.needs_party_lead.data),
        needs_professional=bool(form.needs_professional.data),
        active=bool(form.active.data),
        demands=tuple(d for d in demands if d.count > 0 or d.skill_code is None),
    )
