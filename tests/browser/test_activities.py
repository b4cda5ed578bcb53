import pytest
from activity_data import new_client

pytestmark = pytest.mark.browser

ASPECTS = ("preparation", "etiquette", "communication", "knowledge", "technique")


def test_log_a_home_visit_with_its_self_evaluation_and_see_the_points(
    org, login, page, live_server
):
    with org.app_context():
        client_id = new_client("mgr1", "欧阳明").id
    login("mgr1")
    points = int(page.locator(".week-points-home").inner_text())
    page.goto(f"{live_server}/clients/{client_id}")
    panel = page.locator("#contacts")
    assert page.locator("#visit-count").inner_text() == "0"
    panel.get_by_label("联系方式").select_option("home")
    panel.get_by_role("button", name="登记").click()  # without content: said in place
    panel.get_by_text("请填写拜访主要内容。").wait_for()
    page.settled()
    panel.get_by_label("拜访地点").fill("客户公司")
    panel.get_by_label("拜访主要内容").fill("介绍研究所策略报告，了解资金安排")
    panel.get_by_label("拜访后改进事项").fill("下次带上债券基金资料")
    panel.get_by_role("button", name="登记").click()
    panel.get_by_text("已登记上门拜访（已完成）").wait_for()
    page.settled()
    assert page.locator("#visit-count").inner_text() == "1"  # 基本信息, swapped out of band
    assert panel.locator("table.contacts tbody tr").count() == 1
    assert "第1次" in panel.locator("table.contacts").inner_text()
    panel.get_by_role("link", name="填写登门拜访客户自我评估表").click()
    page.arrive("**/evaluation")
    for aspect in ASPECTS:
        page.locator(f'input[name="{aspect}-rating"][value="良"]').check()
    page.get_by_label("准备工作这次做的好的地方").fill("提前研究了客户档案")
    page.get_by_role("button", name="保存自我评估").click()
    page.get_by_text("登门拜访客户自我评估表已保存。").wait_for()
    assert "提前研究了客户档案" in page.locator("#evaluation").inner_text()
    page.get_by_role("link", name="首页").click()
    page.arrive(f"{live_server}/")
    assert int(page.locator(".week-points-home").inner_text()) == points + 4
    assert page.locator(".today-done").inner_text() == "1"
    assert page.console.errors == []
