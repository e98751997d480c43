"""Uploading in real Chromium: several files at once, the refused ones named beside the upload
form that the answer opens at (1280 and 390 px), and the category kept for the next upload.

Screenshots are kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS, log_in
from playwright.sync_api import Page, expect

from workflow.lifecycle import operations as lifecycle

pytestmark = pytest.mark.browser


@pytest.fixture
def evaluation(make, people):
    leader = people["leader"]
    evaluation = make.make_evaluation(creator=leader, project_name="雪亮工程视频监控建设项目")
    spec = lifecycle.GroupSpec(leader.id, [], [m.id for m in people["members"]], [], "any")
    lifecycle.set_group(make.session, leader, evaluation.id, spec)
    return evaluation


@pytest.mark.parametrize("width", [1280, 390])
def test_several_files_go_up_at_once_and_a_refused_one_is_named_at_the_form(
    page: Page, live_server, evaluation, files_dir, width
):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "zhangjm")
    page.goto(f"{live_server}/evaluations/{evaluation.id}")
    form = page.locator("#upload")
    form.get_by_label("文件类别").select_option(label="佐证材料")
    pdf = (files_dir / "work-plan.pdf").read_bytes()
    form.get_by_label("文件（可多选）").set_input_files(
        [
            {"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": pdf},
            {"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"},
        ]
    )
    form.get_by_role("button", name="上传").click()
    error = page.locator("#upload .field-error")
    expect(error).to_contain_text("“setup.exe”：不支持的文件类型")
    expect(error).to_be_in_viewport()  # not below the fold
    expect(page.locator(".flash-error")).to_contain_text("1 个文件未能上传")
    expect(page.locator(".flash-success")).to_contain_text("已上传：验收报告.pdf")
    expect(page.locator("#upload").get_by_label("文件类别")).to_have_value("evidence")
    page.screenshot(path=str(ARTIFACTS / f"re-upload-refused-{width}.png"))

    page.locator("#upload").get_by_label("文件（可多选）").set_input_files(
        [
            {"name": "合同.pdf", "mimeType": "application/pdf", "buffer": pdf},
            {"name": "支付凭证.txt", "mimeType": "text/plain", "buffer": "凭证".encode()},
        ]
    )
    page.locator("#upload").get_by_role("button", name="上传").click()
    expect(page.locator(".flash-success")).to_contain_text("已上传：合同.pdf、支付凭证.txt")
    expect(page.locator("#upload").get_by_label("文件类别")).to_have_value("evidence")  # kept
    expect(page.locator("#upload")).to_be_in_viewport()
    expect(page.locator("#documents tbody tr")).to_have_count(3)
    page.screenshot(path=str(ARTIFACTS / f"re-upload-done-{width}.png"))
