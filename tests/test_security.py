import logging

from portal import create_app


def test_post_without_csrf_token_is_refused(org):
    client = org.test_client()
    response = client.post("/login", data={"username": "mgr1", "password": "demo1234"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


def test_logged_in_post_without_csrf_token_is_refused(login_as, user_id):
    hq = login_as("hq")
    response = hq.post(f"/users/{user_id('mgr1')}/active")
    assert response.status_code == 400


def test_csrf_header_is_accepted_for_htmx_requests(login_as):
    client = login_as("manager")
    token = client.csrf_token()
    response = client.post("/logout", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302


def test_security_headers_and_cookie_flags(org):
    client = org.test_client()
    page = client.get("/login")
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Request-ID"]
    response = client.login("mgr1")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(org):
    client = org.test_client()
    token = client.csrf_token()
    response = client.post(
        "/login",
        data={"username": "mgr1", "password": "demo1234", "csrf_token": token},
        base_url="https://localhost",
    )
    assert "Secure" in response.headers["Set-Cookie"]


def test_htmx_requests_vary_on_hx_request(login_as):
    client = login_as("manager")
    response = client.get("/", headers={"HX-Request": "true"})
    assert "HX-Request" in response.headers.get("Vary", "")


def test_pages_declare_chinese_and_load_vendored_htmx_2(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "vendor/htmx-2.0.11.min.js" in html
    assert '"code":"422","swap":true' in html
    js = client.get("/static/vendor/htmx-2.0.11.min.js").get_data(as_text=True)
    assert 'version:"2.0.11"' in js.replace(" ", "")


def test_404_page_is_chinese(login_as):
    response = login_as("manager").get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_403_for_a_page_of_another_role(login_as):
    response = login_as("manager").get("/admin/branches")
    assert response.status_code == 403
    assert "无权访问" in response.get_data(as_text=True)


def test_500_shows_no_traceback_and_is_logged_with_the_request_id(app, caplog):
    broken = create_app(dict(app.config))

    @broken.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    client = broken.test_client()
    with caplog.at_level(logging.ERROR, logger="portal"):
        response = client.get("/boom", headers={"X-Request-ID": "req-12345678"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "系统错误" in html
    assert "req-12345678" in html
    assert "secret internals" not in html and "Traceback" not in html
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert logged and logged[0].request_id == "req-12345678"
    assert "secret internals" in caplog.text
