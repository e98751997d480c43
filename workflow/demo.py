"""A realistic demo data set (`jixiao demo`): one finance bureau, three units whose projects
come from published evaluation reports, users for every role, and evaluations in different stages.

Everything goes through the same services a user would call, so the demo's audit timelines
are real.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.accounts import operations as accounts
from workflow.accounts.models import User
from workflow.documents import operations as documents
from workflow.indicators import operations as indicator_ops
from workflow.kernel import clock
from workflow.kernel import files as file_store
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle.funds import FundSource
from workflow.reports import operations as reports
from workflow.reports import page as report_page
from workflow.scoring import operations as scoring
from workflow.tasks import operations as tasks

PASSWORD = "jixiao-demo"
LOGINS: list[tuple[str, str, str]] = [
    ("admin", PASSWORD, "管理员"),
    ("zhangjm", PASSWORD, "组长（陇南市委政法委，监控视频共享云平台）"),
    ("wangfz", PASSWORD, "副组长（陇南市委政法委）"),
    ("liufz", PASSWORD, "副组长（陇南市委政法委）"),
    ("chency", PASSWORD, "成员（陇南市委政法委）"),
    ("zhaocy", PASSWORD, "成员（陇南市委政法委）"),
    ("xuqq", PASSWORD, "组长（和平县公安局，智慧新警务第一期）"),
    ("huangcy", PASSWORD, "成员（和平县公安局）"),
    ("yangzz", PASSWORD, "组长（雨花街道办事处，小区智慧安防）"),
    ("caizheng", PASSWORD, "财政局审核人（示范市财政局绩效科）"),
]

_PLAN = (
    "评价工作方案\n一、评价目的\n二、评价对象和范围\n三、评价指标体系\n四、评价方法\n"
    "五、工作安排：前期准备、组织实施、分析评价、报告撰写\n"
).encode()


def _user(session, admin, username, name, title, unit=None, bureau=None, role="unit_user"):
    return accounts.save_user(
        session,
        admin,
        accounts.UserFields(
            username=username,
            display_name=name,
            role=role,
            password=PASSWORD,
            unit_id=unit.id if unit else None,
            bureau_id=bureau.id if bureau else None,
            title=title,
        ),
    )


def _open(session, creator, unit, **fields) -> int:
    evaluation = lifecycle.create_evaluation(
        session, creator, unit.id, lifecycle.ProjectFields(**fields)
    )
    return evaluation.id


# 陇南 scores, shaped like 陇南市监控视频共享云平台's published evaluation (a department
# evaluation scored 96, 优).
_CLOUD_SCORES: dict[str, dict] = {
    "1.1.1": {},
    "1.2.1": {"band": "met", "value": "3"},
    "1.2.2": {"deductions": []},
    "1.3.1": {"band": "met", "value": "4"},
    "1.3.2": {"band": "met", "value": "4"},
    "2.1.1": {"actual": "2100"},
    "2.1.2": {"actual": "9988"},
    "2.2.1": {"deductions": [{"points": "2", "reason": "抽查摄像机在线率85%，低于合同约定的90%"}]},
    "2.3.1": {"band": "met", "value": "8"},
    "2.4.1": {"actual": "300"},
    "3.1.1": {"band": "met", "value": "8"},
    "3.1.2": {"band": "met", "value": "7"},
    "3.2.1": {"band": "partial", "value": "7"},
    "3.3.1": {"answers": {"非常满意": 18, "满意": 12}},
}
_CLOUD_REASONS = {
    "2.2.1": "部分乡镇点位因供电不稳定离线，在线率未达合同要求",
    "3.2.1": "运维经费尚未纳入年度预算，长效运维机制有待健全",
}


def _prepare(
    session: Session,
    leader: User,
    deputies: list[User],
    members: list[User],
    evaluation_id: int,
    store: file_store.DocumentStore,
) -> None:
    """前期准备: the group formed, the work plan uploaded, on to 组织实施."""
    lifecycle.set_group(
        session,
        leader,
        evaluation_id,
        lifecycle.GroupSpec(leader.id, [u.id for u in deputies], [u.id for u in members], []),
    )
    documents.add_document(
        session, leader, evaluation_id, "work_plan", "评价工作方案.txt", io.BytesIO(_PLAN), store
    )
    lifecycle.perform(session, leader, evaluation_id, "advance", comment="工作组已组建，方案已审定")


def _implement(session: Session, leader: User, members: list[User], evaluation_id: int) -> None:
    """组织实施: the 雪亮工程 indicator system, and members' tasks done."""
    indicator_ops.copy_template(session, leader, evaluation_id, "xueliang")
    due = clock.today_local() + timedelta(days=5)
    for member, (kind, title) in zip(
        members,
        [
            ("collect", "收集立项批复、预算批复、合同和资金支付凭证"),
            ("field_check", "抽查9个县区前端点位在线情况"),
        ],
        strict=True,
    ):
        task = tasks.create_task(
            session, leader, evaluation_id, tasks.TaskSpec(kind, title, "", member.id, due)
        )
        tasks.complete_task(session, member, task.id, "已完成，材料见附件")


def _score(session: Session, leader: User, evaluation_id: int) -> None:
    """分析评价: the 组长 scores every leaf (the demo leaves finalising to the user)."""
    for code, inputs in _CLOUD_SCORES.items():
        entry = scoring.ScoreEntry(inputs, reason=_CLOUD_REASONS.get(code, ""))
        scoring.score_leaf(session, leader, evaluation_id, code, entry)


_EXPERIENCE = (
    "（一）坚持高位推动。市委政法委牵头成立项目建设领导小组，定期调度建设进度。\n"
    "（二）坚持共建共享。依托陇南云计算大数据中心，整合全市公共安全视频监控资源。\n"
    "（三）坚持以用促建。围绕治安防控、应急指挥等场景推动视频资源深度应用。"
)
_WRITTEN_BY_THE_GROUP = {
    "experience": _EXPERIENCE,
    "problems": "评价工作组通过资料审核、现场核验和问卷调查，发现以下问题：",
    "suggestions": "针对上述问题，评价工作组提出如下建议：",
    "other": "无其他需要说明的问题。",
}


def _complete_report(session: Session, leader: User, evaluation_id: int) -> None:
    """报告撰写: what the draft leaves to the group, and the problems with their measures."""
    view = report_page.report_view(session, leader, evaluation_id)
    for section in view["sections"]:
        if not section["body"].strip():
            text = _WRITTEN_BY_THE_GROUP[section["key"]]
            reports.save_section(
                session, leader, evaluation_id, section["key"], text, section["version"]
            )
    reports.add_problem(
        session,
        leader,
        evaluation_id,
        reports.ProblemSpec(
            problem="部分乡镇前端点位在线率偏低",
            cause="乡镇供电和网络条件不稳定，运维响应不及时",
            measure="与运营商签订运维服务协议，在线率纳入月度考核",
            owner="刘志强",
            due_date=date(2025, 6, 30),
        ),
    )
    reports.add_problem(
        session,
        leader,
        evaluation_id,
        reports.ProblemSpec(
            problem="建立视频监控运维经费保障机制",
            kind="suggestion",
            measure="将运维经费纳入年度部门预算",
        ),
    )


def load(session: Session, store: file_store.DocumentStore) -> bool:
    """Load the demo once; False when the database already has users."""
    if session.scalar(select(func.count()).select_from(User)):
        return False
    admin = accounts.create_admin(session, "admin", PASSWORD)
    bureau = accounts.save_bureau(session, admin, "示范市财政局", "示范市（绩效管理科）")
    longnan = accounts.save_unit(session, admin, "陇南市委政法委", bureau.id)
    heping = accounts.save_unit(session, admin, "和平县公安局", bureau.id)
    yuhua = accounts.save_unit(session, admin, "雨花街道办事处", bureau.id)
    _user(
        session, admin, "caizheng", "李绩效", "绩效科科长", bureau=bureau, role="finance_reviewer"
    )

    zhang = _user(session, admin, "zhangjm", "张建明", "常务副书记", longnan)
    deputies = [
        _user(session, admin, "wangfz", "王卫东", "副书记", longnan),
        _user(session, admin, "liufz", "刘志强", "办公室主任", longnan),
    ]
    members = [
        _user(session, admin, "chency", "陈晓燕", "财务科科员", longnan),
        _user(session, admin, "zhaocy", "赵磊", "综治中心干部", longnan),
    ]
    cloud = _open(
        session,
        zhang,
        longnan,
        project_name="陇南市监控视频共享云平台项目",
        year=2020,
        kind="department",
        budget=Decimal("300.00"),
        funds_received=Decimal("300.00"),
        funds_spent=Decimal("300.00"),
        due_date=date(2025, 4, 30),
        targets="建成1个市级视频云共享平台、1个综治分平台、1个公安分平台和9个县级分平台，"
        "新建行政村高清监控点2100路，实现公共安全视频监控全域覆盖、全网共享。",
    )
    _prepare(session, zhang, deputies, members, cloud, store)
    _implement(session, zhang, members, cloud)
    lifecycle.perform(session, zhang, cloud, "advance", comment="资料收集和现场核验已完成")
    _score(session, zhang, cloud)
    scoring.finalize_scores(session, zhang, cloud)
    lifecycle.perform(session, zhang, cloud, "advance", comment="评分已定稿")
    _complete_report(session, zhang, cloud)
    lifecycle.perform(session, zhang, cloud, "advance", comment="报告初稿完成，提请领导小组审核")
    lifecycle.perform(session, zhang, cloud, "approve", comment="同意")

    county = _open(
        session,
        zhang,
        longnan,
        project_name="陇南市雪亮工程县区视频联网项目",
        year=2021,
        kind="department",
        budget=Decimal("3000.00"),
        funds_received=Decimal("3000.00"),
        funds_spent=Decimal("2712.60"),
        due_date=date(2022, 4, 30),
        targets="9个县区视频监控资源全部接入市级平台，重点公共区域视频监控覆盖率达到100%。",
    )
    _prepare(session, zhang, deputies, members, county, store)
    _implement(session, zhang, members, county)
    lifecycle.perform(session, zhang, county, "advance")

    xu = _user(session, admin, "xuqq", "徐泉泉", "财务室主任", heping)
    huang = _user(session, admin, "huangcy", "黄志成", "科技信息化大队民警", heping)
    police = _open(
        session,
        xu,
        heping,
        project_name="和平县公安局2023年智慧新警务第一期项目进度款",
        year=2023,
        kind="unit_self",
        competent_department="和平县公安局",
        initial_budget=Decimal("500.00"),
        budget=Decimal("500.00"),
        funds_received=Decimal("500.00"),
        funds_spent=Decimal("500.00"),
        fund_sources=[FundSource("fiscal", Decimal(500), Decimal(500), Decimal(500))],
        due_date=date(2024, 4, 30),
        targets="建设479个社会治安视频监控点、26个治安卡口点、10套移动终端采集设备和38个智慧小区点。",
    )
    lifecycle.set_group(session, xu, police, lifecycle.GroupSpec(xu.id, [], [huang.id], []))
    documents.add_document(
        session, xu, police, "work_plan", "自评工作方案.txt", io.BytesIO(_PLAN), store
    )
    lifecycle.perform(session, xu, police, "advance", comment="按财政局通知开展自评")
    indicator_ops.copy_template(session, xu, police, "unit_self")
    soon = clock.today_local() + timedelta(days=2)
    late = clock.today_local() - timedelta(days=3)
    with clock.days_ago(10):  # given ten days ago, due three days ago: overdue now
        tasks.create_task(
            session,
            xu,
            police,
            tasks.TaskSpec(
                "collect",
                "收集项目合同、验收报告和资金支付凭证",
                "按自评指标逐项收集佐证材料",
                huang.id,
                late,
            ),
        )
    tasks.create_task(
        session,
        xu,
        police,
        tasks.TaskSpec(
            "survey", "发放服务对象满意度问卷", "向辖区群众发放问卷不少于30份", None, soon
        ),
    )

    yang = _user(session, admin, "yangzz", "杨振中", "平安办主任", yuhua)
    _open(
        session,
        yang,
        yuhua,
        project_name="蓝光天娇城小区智慧安防项目",
        year=2021,
        kind="department",
        budget=Decimal("268.50"),
        funds_received=None,
        funds_spent=None,
        due_date=date(2022, 6, 30),
        targets="建成小区视频监控、人员统计、出入管控等8个部分，提升小区治安防控能力。",
    )
    return True
