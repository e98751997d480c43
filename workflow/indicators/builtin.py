"""The built-in indicator templates (内置指标模板), as data: 共性指标框架, 单位自评, 雪亮工程."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflow.indicators.tree import _num, node_weight
from workflow.kernel import clock
from workflow.kernel.errors import NotFound
from workflow.scoring.rules import BANDS, DEFAULT_SURVEY_OPTIONS, NEGATIVE, POSITIVE


@dataclass(frozen=True)
class Template:
    """A template copied into an evaluation (`indicators()`).

    The ones below (`TEMPLATES`) are the built-in data; administrators keep the templates in
    the database (`workflow.indicators.queries`), which hands them out as this same value.
    """

    key: str
    title: str
    kinds: tuple[str, ...]  # evaluation kinds it suits: unit_self, department, finance
    description: str
    tree: tuple[dict[str, Any], ...]
    built_in: bool = True  # False for the templates administrators added
    updated_by: int | None = None  # user id
    updated_by_name: str | None = None
    updated_at: datetime | None = None

    def indicators(self) -> list[dict[str, Any]]:
        """A fresh deep copy of the tree, safe to edit."""
        return copy.deepcopy(list(self.tree))

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kinds": list(self.kinds),
            "description": self.description,
            "indicators": self.indicators(),
            "built_in": self.built_in,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at,
        }


def _branch(code: str, name: str, *children: dict[str, Any]) -> dict[str, Any]:
    weight = node_weight({"children": list(children)})
    return {"code": code, "name": name, "weight": str(weight), "children": list(children)}


def _leaf(
    code: str,
    name: str,
    weight: int,
    rule: dict[str, Any],
    standard: str,
    target: str = "",
    unit: str = "",
    direction: str = POSITIVE,
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "weight": str(weight),
        "target": target,
        "unit": unit,
        "standard": standard,
        "rule": rule,
        "scorer": None,
        "direction": direction,
    }


_BAND_WORDING = {"met": "达成", "partial": "部分达成并有一定效果", "unmet": "未达成且效果较差"}


def _tiered(code: str, name: str, weight: int, criteria: str, target: str) -> dict[str, Any]:
    """A qualitative leaf; the band points are spelled out from the weight."""
    bands = "；".join(
        f"{_BAND_WORDING[band]}得{_num(weight * high)}～{_num(weight * low)}分"
        for band, (low, high, _) in BANDS.items()
    )
    return _leaf(code, name, weight, {"type": "tiered"}, f"{criteria}。{bands}。", target)


def _rate(code: str, weight: int, measure: str) -> dict[str, Any]:
    name, formula = {
        "budget_execution": ("预算执行率", "实际支出资金/预算资金"),
        "funds_received": ("资金到位率", "实际到位资金/预算资金"),
    }[measure]
    standard = (
        f"{name}={formula}×100%，按项目金额自动计算。得分={name}/指标值×分值，最高不超过分值。"
    )
    rule = {"type": "rate", "measure": measure}
    return _leaf(code, name, weight, rule, standard, "100", "%")


def _completion(
    code: str,
    name: str,
    weight: int,
    criteria: str,
    target: str = "100",
    unit: str = "%",
    direction: str = POSITIVE,
) -> dict[str, Any]:
    if direction == NEGATIVE:
        formula = "达到或优于指标值得满分；超出的，得分=指标值/完成值×分值"
    else:
        formula = "达到或超过指标值得满分；未达到的，得分=完成值/指标值×分值"
    standard = f"{criteria}。{formula}。"
    return _leaf(code, name, weight, {"type": "completion"}, standard, target, unit, direction)


def _deduction(code: str, name: str, weight: int, criteria: str, target: str) -> dict[str, Any]:
    return _leaf(code, name, weight, {"type": "deduction"}, f"{criteria}，扣完为止。", target)


def _survey(code: str, name: str, weight: int, who: str) -> dict[str, Any]:
    options = "、".join(f"{option}{value}" for option, value in DEFAULT_SURVEY_OPTIONS.items())
    standard = (
        f"通过问卷调查{who}满意度，满意度=各选项分值按份数加权平均（{options}）。"
        "满意度≥90%得满分；低于90%的，得分=满意度/90%×分值。"
    )
    rule = {"type": "survey", "target_rate": "90", "options": dict(DEFAULT_SURVEY_OPTIONS)}
    return _leaf(code, name, weight, rule, standard, "90", "%")


def _actual_completion(code: str, weight: int) -> dict[str, Any]:
    return _completion(code, "实际完成率", weight, "实际完成率=实际产出数/计划产出数×100%")


def _quality_rate(code: str, weight: int) -> dict[str, Any]:
    return _completion(code, "质量达标率", weight, "质量达标率=质量达标产出数/实际产出数×100%")


def _timeliness(code: str, weight: int) -> dict[str, Any]:
    criteria = (
        "项目是否按计划时间完成：按期完成为达成，延期但完成主要任务为部分达成，严重延期为未达成"
    )
    return _tiered(code, "完成及时性", weight, criteria, "按期完成")


def _cost_saving(code: str, weight: int) -> dict[str, Any]:
    criteria = (
        "成本节约率=（计划成本−实际成本）/计划成本×100%。实际成本未超出计划成本的得满分；"
        "每超支1%扣1分"
    )
    return _deduction(code, "成本节约率", weight, criteria, "≥0%")


def _social_benefit(code: str, weight: int) -> dict[str, Any]:
    criteria = "项目实施是否产生了预期的社会效益，如公共服务水平、社会治理能力的提升"
    return _tiered(code, "社会效益实现程度", weight, criteria, "达到预期")


def _sustainability(code: str, weight: int) -> dict[str, Any]:
    criteria = "项目完成后是否建立长效管理机制，后续运行维护的人员、经费、制度是否有保障"
    return _tiered(code, "可持续影响", weight, criteria, "长效机制健全")


NATIONAL_COMMON = (
    _branch(
        "1",
        "决策",
        _branch(
            "1.1",
            "项目立项",
            _tiered(
                "1.1.1",
                "立项依据充分性",
                3,
                "项目立项是否符合法律法规、相关政策、发展规划以及部门职责，"
                "是否属于公共财政支持范围，是否与相关部门同类项目或部门内部相关项目重复",
                "依据充分",
            ),
            _tiered(
                "1.1.2",
                "立项程序规范性",
                2,
                "项目是否按照规定的程序申请设立，审批文件、材料是否符合相关要求，"
                "事前是否经过必要的可行性研究、专家论证、风险评估、绩效评估、集体决策",
                "程序规范",
            ),
        ),
        _branch(
            "1.2",
            "绩效目标",
            _tiered(
                "1.2.1",
                "绩效目标合理性",
                3,
                "项目是否有绩效目标，绩效目标与实际工作内容是否具有相关性，预期产出效益和效果"
                "是否符合正常的业绩水平，是否与预算确定的资金量相匹配",
                "目标合理",
            ),
            _tiered(
                "1.2.2",
                "绩效指标明确性",
                2,
                "是否将绩效目标细化分解为具体的绩效指标，是否通过清晰、可衡量的指标值予以体现，"
                "是否与项目目标任务数或计划数相对应",
                "指标明确",
            ),
        ),
        _branch(
            "1.3",
            "资金投入",
            _tiered(
                "1.3.1",
                "预算编制科学性",
                3,
                "预算编制是否经过科学论证，预算内容与项目内容是否匹配，"
                "预算额度测算依据是否充分，是否按照标准编制",
                "编制科学",
            ),
            _tiered(
                "1.3.2",
                "资金分配合理性",
                2,
                "资金分配是否有测算依据，与补助单位或地方实际是否相适应",
                "分配合理",
            ),
        ),
    ),
    _branch(
        "2",
        "过程",
        _branch(
            "2.1",
            "资金管理",
            _rate("2.1.1", 4, "funds_received"),
            _rate("2.1.2", 4, "budget_execution"),
            _deduction(
                "2.1.3",
                "资金使用合规性",
                4,
                "资金使用是否符合财经法规、财务管理制度和专项资金管理办法，拨付是否有完整的审批"
                "程序和手续，是否符合预算批复或合同规定的用途，是否存在截留、挤占、挪用、虚列支出"
                "等情况。每发现一处问题扣1分",
                "使用合规",
            ),
        ),
        _branch(
            "2.2",
            "组织实施",
            _tiered(
                "2.2.1",
                "管理制度健全性",
                4,
                "是否已制定或具有相应的财务和业务管理制度，制度是否合法、合规、完整",
                "制度健全",
            ),
            _tiered(
                "2.2.2",
                "制度执行有效性",
                4,
                "是否遵守相关法律法规和管理规定，项目调整及支出调整手续是否完备，合同书、"
                "验收报告等资料是否齐全并及时归档，实施的人员、场地设备、信息支撑是否落实到位",
                "执行有效",
            ),
        ),
    ),
    _branch(
        "3",
        "产出",
        _branch("3.1", "产出数量", _actual_completion("3.1.1", 10)),
        _branch("3.2", "产出质量", _quality_rate("3.2.1", 10)),
        _branch("3.3", "产出时效", _timeliness("3.3.1", 8)),
        _branch("3.4", "产出成本", _cost_saving("3.4.1", 7)),
    ),
    _branch(
        "4",
        "效益",
        _branch("4.1", "社会效益", _social_benefit("4.1.1", 10)),
        _branch("4.2", "可持续影响", _sustainability("4.2.1", 10)),
        _branch("4.3", "满意度", _survey("4.3.1", "服务对象满意度", 10, "服务对象")),
    ),
)

UNIT_SELF = (
    _branch(
        "1",
        "产出指标",
        _branch("1.1", "数量指标", _actual_completion("1.1.1", 20)),
        _branch("1.2", "质量指标", _quality_rate("1.2.1", 15)),
        _branch("1.3", "时效指标", _timeliness("1.3.1", 10)),
        _branch("1.4", "成本指标", _cost_saving("1.4.1", 5)),
    ),
    _branch(
        "2",
        "效益指标",
        _branch(
            "2.1",
            "经济效益指标",
            _tiered(
                "2.1.1",
                "经济效益实现程度",
                5,
                "项目实施是否产生了预期的直接或间接经济效益",
                "达到预期",
            ),
        ),
        _branch("2.2", "社会效益指标", _social_benefit("2.2.1", 15)),
        _branch("2.3", "可持续影响指标", _sustainability("2.3.1", 10)),
    ),
    _branch(
        "3",
        "服务对象满意度",
        _branch("3.1", "满意度指标", _survey("3.1.1", "服务对象满意度", 10, "服务对象")),
    ),
    _branch("4", "预算执行率", _branch("4.1", "预算执行", _rate("4.1.1", 10, "budget_execution"))),
)

# Shaped like 陇南市监控视频共享云平台's published evaluation:
# 项目过程 20 / 项目产出 40 / 项目效果 40.
XUELIANG = (
    _branch(
        "1",
        "项目过程",
        _branch("1.1", "项目投入", _rate("1.1.1", 5, "budget_execution")),
        _branch(
            "1.2",
            "财务管理",
            _tiered(
                "1.2.1",
                "财务管理制度健全性",
                3,
                "是否制定了项目资金管理办法和财务管理制度，重大支出是否经集体决策（“三重一大”）",
                "制度健全",
            ),
            _deduction(
                "1.2.2",
                "资金使用规范性",
                4,
                "资金是否按合同约定和审批程序通过财政直接支付，是否存在超范围、超标准支出，"
                "支付是否及时。每发现一处问题扣1分",
                "使用规范",
            ),
        ),
        _branch(
            "1.3",
            "项目实施管理",
            _tiered(
                "1.3.1",
                "项目管理制度执行有效性",
                4,
                "是否按规定完成招投标、监理和竣工验收，项目资料是否齐全并及时归档",
                "执行有效",
            ),
            _tiered(
                "1.3.2",
                "项目质量可控性",
                4,
                "是否有质量检查、监理和验收等质量控制措施，发现的问题是否及时整改",
                "质量可控",
            ),
        ),
    ),
    _branch(
        "2",
        "项目产出",
        _branch(
            "2.1",
            "产出数量",
            _completion(
                "2.1.1",
                "前端点位建设数量",
                10,
                "新建行政村等前端高清视频监控点位数量，以竣工验收资料和现场核验为准",
                "2100",
                "路",
            ),
            _completion(
                "2.1.2",
                "视频资源接入数量",
                5,
                "已建成社会治安视频监控点位接入共享平台的数量",
                "9988",
                "路",
            ),
        ),
        _branch(
            "2.2",
            "产出质量",
            _deduction(
                "2.2.1",
                "摄像机在线率",
                10,
                "前端摄像机在线率以平台统计为准，合同约定不低于90%。达到的得满分；"
                "每低于1个百分点扣1分",
                "≥90%",
            ),
        ),
        _branch(
            "2.3",
            "产出时效",
            _tiered(
                "2.3.1",
                "项目完成及时性",
                8,
                "项目是否在合同约定的建设期（12个月）内完成建设并通过竣工验收",
                "按期完成",
            ),
        ),
        _branch(
            "2.4",
            "产出成本",
            _completion(
                "2.4.1",
                "项目建设成本",
                7,
                "项目实际建设成本控制在批复预算以内",
                "300",
                "万元",
                NEGATIVE,
            ),
        ),
    ),
    _branch(
        "3",
        "项目效果",
        _branch(
            "3.1",
            "社会效益",
            _tiered(
                "3.1.1",
                "视频资源共享应用",
                8,
                "是否为综治、公安等授权用户提供视频资源共享服务，在治安防控、案件侦破中发挥作用",
                "共享应用",
            ),
            _tiered(
                "3.1.2",
                "社会治安防控水平提升",
                7,
                "重点区域和行政村的视频监控覆盖是否提高，群众安全感是否提升",
                "明显提升",
            ),
        ),
        _branch(
            "3.2",
            "可持续影响",
            _tiered(
                "3.2.1",
                "运行维护长效机制",
                10,
                "是否建立平台运行维护和管理制度，运维经费、人员是否落实，系统能否持续稳定运行",
                "长效机制健全",
            ),
        ),
        _branch("3.3", "满意度", _survey("3.3.1", "群众满意度", 15, "辖区群众")),
    ),
)

TEMPLATES: dict[str, Template] = {
    template.key: template
    for template in (
        Template(
            "national_common",
            "共性指标框架（部门评价、财政评价）",
            ("department", "finance"),
            "财预〔2020〕10号共性指标框架：决策15、过程20、产出35、效益30。",
            NATIONAL_COMMON,
        ),
        Template(
            "unit_self",
            "单位自评",
            ("unit_self",),
            "单位自评：产出50、效益30、服务对象满意度10、预算执行率10。",
            UNIT_SELF,
        ),
        Template(
            "xueliang",
            "雪亮工程（公共安全视频监控建设）",
            ("department", "finance"),
            "视频监控建设项目：项目过程20、项目产出40、项目效果40。",
            XUELIANG,
        ),
    )
}


def list_templates() -> list[Template]:
    """The built-in templates as data (the app reads the kept ones, in `indicator_templates`)."""
    return list(TEMPLATES.values())


def get_template(key: str) -> Template:
    """The built-in template with this key; `NotFound` otherwise."""
    try:
        return TEMPLATES[key]
    except KeyError:
        raise NotFound(f"指标模板“{key}”不存在") from None


def built_in_rows() -> list[dict[str, Any]]:
    """The built-in templates as rows of `indicator_templates` (the migration inserts them)."""
    return [
        {
            "key": template.key,
            "title": template.title,
            "kinds": list(template.kinds),
            "description": template.description,
            "tree": template.indicators(),
            "built_in": True,
            "updated_by_id": None,
            "updated_at": clock.now(),
        }
        for template in TEMPLATES.values()
    ]
