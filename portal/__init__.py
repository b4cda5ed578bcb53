"""客户服务管理门户 — the application factory."""

import logging
import re
import secrets
import uuid
from pathlib import Path

from flask import Flask, g, has_request_context, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config as settings
from portal import sessions
from portal.clean_request import PortalRequest
from portal.extensions import csrf, db, login_manager, migrate
from portal.pages import answers_get

log = logging.getLogger("portal")

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class _SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over https."""

    def get_cookie_secure(self, app):
        configured = super().get_cookie_secure(app)
        return configured or (has_request_context() and request.is_secure)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(settings.INSTANCE_DIR))
    app.request_class = PortalRequest
    app.config.update(settings.DEFAULTS)
    app.config.update(settings.from_environment())
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    from portal.models import encrypted

    encrypted.init_app(app, _instance_secret)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    app.session_interface = _SessionInterface()

    _configure_logging(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    _configure_login(app)
    _register_blueprints(app)
    _register_request_hooks(app)
    _register_errors(app)
    _register_template_helpers(app)

    from portal.cli import register_cli

    register_cli(app)
    return app


def _instance_secret(
    instance: Path, name: str = "secret_key", make=lambda: secrets.token_hex(32)
) -> str:
    """A per-installation secret kept under instance/, for the embedded default set-up."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_logging(app: Flask) -> None:
    """One handler on the ``portal`` logger (also ``app.logger``), tagging each line with the
    request id."""
    logger = logging.getLogger("portal")
    if not any(isinstance(h, _PortalHandler) for h in logger.handlers):
        handler = _PortalHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
        handler.addFilter(_RequestIdFilter())
        logger.addHandler(handler)
    logger.setLevel(app.config["LOG_LEVEL"])


class _PortalHandler(logging.StreamHandler):
    pass


def _configure_login(app: Flask) -> None:
    from portal.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(value: str):
        user_id, _, token = value.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_token != token:
            return None
        return user

    sessions.init_app(app)


BLUEPRINTS = (
    "auth",
    "main",
    "admin",
    "audit",
    "clients",
    "classification",
    "risk",
    "reports",
    "activities",
    "advice",
    "imports",
    "holidays",
    "inquiries",
    "events",
    "profile",
    "care",
    "quarterly",
    "prospects",
    "sms",
)
"""The capabilities, each a package of ``portal.blueprints`` with its ``bp``."""


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in BLUEPRINTS:
        app.register_blueprint(import_module(f"portal.blueprints.{name}").bp)

    from portal import queue
    from portal.services import classification, exports

    # Every background task of the app, from the modules that own them.
    queue.init_app(app, tasks=[*exports.TASKS, *classification.TASKS])


def _register_request_hooks(app: Flask) -> None:
    from portal.services import pii

    pii.init_app(app)  # a request that showed numbers in full leaves its view rows

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def security_headers(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if request.headers.get("HX-Request") or g.get("vary_hx"):
            response.vary.add("HX-Request")
        if request.endpoint != "static":  # pages, PDFs, spreadsheets, scans: client data
            response.headers["Cache-Control"] = "no-store"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response

    @app.after_request
    def keep_address_bar_gettable(response):
        """htmx shows a boosted form's answer under the URL it posted to; where that URL does
        not answer GET (a 422 or an error from a POST-only route), keep the address bar on the
        form's page, so that a refresh shows that page and not "405"."""
        if (
            request.headers.get("HX-Request")
            and request.method != "GET"
            and not 300 <= response.status_code < 400
            and not any(
                h in response.headers for h in ("HX-Push-Url", "HX-Replace-Url", "HX-Redirect")
            )
            and not answers_get(request.path)
        ):
            response.headers["HX-Push-Url"] = "false"
        return response


def _register_errors(app: Flask) -> None:
    messages = {
        400: ("请求无效", "提交的内容无法处理，请返回重试。"),
        403: ("无权访问", "您没有访问此页面的权限。"),
        404: ("页面不存在", "您要找的页面或记录不存在。"),
        405: ("请求方式不允许", "此页面不支持这种操作。"),
        409: (
            "记录已保存",
            "这份记录刚刚已经保存过了（可能是重复提交）。请刷新页面查看已保存的内容。",
        ),
        413: ("文件过大", "上传的内容超过了允许的大小。"),
        500: ("系统错误", "系统出现了错误，我们已记录此问题。请稍后重试。"),
        503: ("服务暂时不可用", "系统暂时无法访问数据库，我们已记录此问题。请稍后重试。"),
    }

    def page(code: int, detail: str | None = None):
        """The error page; for an in-place htmx action, only its message (shown beside what
        was clicked). A server error's page needs no database: it is shown as to a signed-out
        visitor (the portal's name and 返回首页 as its navigation), since loading the user may
        be what failed."""
        title, text = messages.get(code, messages[400])
        if code >= 500:
            login_manager._update_request_context_with_user()  # anonymous, for this page only
        in_place = request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
        return (
            render_template(
                "errors/_message.html" if in_place else "errors/error.html",
                code=code,
                title=title,
                text=detail or text,
                request_id=g.get("request_id"),
            ),
            code,
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if not current_user.is_authenticated and request.endpoint != "auth.login":
            # The session ended (and its token with it) while a form was open: log in first.
            return login_manager.unauthorized()
        return page(400, "页面已过期或请求来源无效（CSRF 校验失败），请刷新页面后重新提交。")

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code not in messages:
            return error
        return page(error.code)

    @app.errorhandler(IntegrityError)
    def conflict(error):
        """Two submits of one form raced (a double click, two tabs): the first one saved the
        record, the second met the unique constraint. Never a 500."""
        db.session.rollback()
        log.warning("Integrity error on %s %s: %s", request.method, request.path, error.orig)
        return page(409)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        """The database is down, unreachable or refused to wait (a lock, a timeout)."""
        _roll_back()
        log.exception("Database unavailable on %s %s", request.method, request.path)
        return page(503)

    @app.errorhandler(Exception)
    def server_error(error):
        _roll_back()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return page(500)

    def _roll_back():
        try:
            db.session.rollback()
        except SQLAlchemyError:  # the connection is gone; the error page does not need it
            log.warning("Rollback failed on %s %s", request.method, request.path, exc_info=True)


def _register_template_helpers(app: Flask) -> None:
    from portal import templating

    templating.init_app(app)
