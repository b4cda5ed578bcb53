"""The Art. 44 macros render the courteous phrases and the hits of a text."""

from portal.domain.screening import COURTEOUS_PHRASES, screen_service


def render(app, source, **context):
    with app.test_request_context():
        return app.jinja_env.from_string(source).render(**context)


def test_the_courteous_phrases_macro_lists_all_fifteen(app):
    html = render(
        app,
        '{% from "_macros/phrases.html" import courteous_phrases %}{{ courteous_phrases(p) }}',
        p=COURTEOUS_PHRASES,
    )
    assert "文明用语" in html and html.count("<li>") == 15
    assert "由于我们的疏忽给您添了麻烦，对不起！" in html


def test_the_hits_macro_names_the_forbidden_phrase(app):
    source = '{% from "_macros/phrases.html" import service_hits %}{{ service_hits(h) }}'
    html = render(app, source, h=screen_service("不知道。"))
    assert "第四十四条第2款(2)" in html and "“不知道”" in html
    assert render(app, source, h=[]).strip() == ""
