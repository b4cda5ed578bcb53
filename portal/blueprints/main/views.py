from flask import render_template
from flask_login import login_required

from portal.blueprints.main import bp


@bp.get("/")
@login_required
def home():
    return render_template("main/home.html")
