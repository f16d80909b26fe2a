"""Import people from CSV/XLSX: every bad row listed with its column and message; all or nothing."""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

from scheduler.accounts import service as accounts
from scheduler.errors import DomainError
from scheduler.imports.people import import_people
from scheduler.imports.report import ImportRejected
from web.auth.access import ensure_street_in_scope, scope, staff, staff_required
from web.coordinator.views import bp
from web.database import db, unit_of_work
from web.i18n import message_of

MAX_IMPORT_BYTES = 4 * 1024 * 1024


class ImportForm(FlaskForm):  # type: ignore[misc]
    street_id = SelectField(_l("Street"), coerce=int, validators=[InputRequired(_l("Choose a street"))])
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file"))])


@bp.route("/people/import", methods=["GET", "POST"])
@staff_required
def people_import() -> ResponseReturnValue:
    if not scope().whole_streets:
        raise accounts.forbidden()  # an upload may touch any grid of the street
    form = ImportForm()
    form.street_id.choices = [(s.id, s.name) for s in accounts.streets_in_scope(session=db(), scope=scope())]
    rejected: ImportRejected | None = None
    report = None
    status = 200
    if form.validate_on_submit():
        ensure_street_in_scope(form.street_id.data, whole=True)
        upload = form.file.data
        data = upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            form.file.errors.append(str(_l("The file is larger than 4 MB.")))
        else:
            try:
                with unit_of_work() as s:
                    report = import_people(
                        session=s,
                        path_or_bytes=data,
                        filename=upload.filename or "upload",
                        now=current_app.config["CLOCK"].now(),
                        actor=staff().actor,
                        street_id=form.street_id.data,
                    )
            except ImportRejected as err:
                rejected, status = err, 400
            except DomainError as err:  # a file that is not a spreadsheet at all
                form.file.errors.append(message_of(err))
    return render_template(
        "coordinator/people_import.html",
        form=form,
        rejected=rejected,
        report=report,
        message=message_of(rejected) if rejected else None,
    ), status
