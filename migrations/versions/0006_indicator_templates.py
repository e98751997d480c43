"""indicator templates: kept by administrators, the three built-in ones inserted

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:00:00

The built-in templates (共性指标框架、单位自评、雪亮工程) are frozen here as they were when this
migration was written (then the data of `workflow.indicators.builtin.TEMPLATES`), stamped with its create date: a
migration imports no live code, since the live templates may evolve, and a later migration is
what changes the stored rows.
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BUILT_IN_TEMPLATES = [
    {
        "key": "national_common",
        "title": "共性指标框架（部门评价、财政评价）",
        "kinds": ["department", "finance"],
        "description": "财预〔2020〕10号共性指标框架：决策15、过程20、产出35、效益30。",
        "tree": [
            {
                "code": "1",
                "name": "决策",
                "weight": "15",
                "children": [
                    {
                        "code": "1.1",
                        "name": "项目立项",
                        "weight": "5",
                        "children": [
                            {
                                "code": "1.1.1",
                                "name": "立项依据充分性",
                                "weight": "3",
                                "target": "依据充分",
                                "unit": "",
                                "standard": (
                                    "项目立项是否符合法律法规、相关政策、发展规划以及部门职责，"
                                    "是否属于公共财政支持范围，"
                                    "是否与相关部门同类项目或部门内部相关项目重复。达成得3～2.4分；"
                                    "部分达成并有一定效果得2.4～1.8分；未达成且效果较差得1.8～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                            {
                                "code": "1.1.2",
                                "name": "立项程序规范性",
                                "weight": "2",
                                "target": "程序规范",
                                "unit": "",
                                "standard": (
                                    "项目是否按照规定的程序申请设立，审批文件、"
                                    "材料是否符合相关要求，事前是否经过必要的可行性研究、专家论证、"
                                    "风险评估、绩效评估、集体决策。达成得2～1.6分；"
                                    "部分达成并有一定效果得1.6～1.2分；未达成且效果较差得1.2～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                        ],
                    },
                    {
                        "code": "1.2",
                        "name": "绩效目标",
                        "weight": "5",
                        "children": [
                            {
                                "code": "1.2.1",
                                "name": "绩效目标合理性",
                                "weight": "3",
                                "target": "目标合理",
                                "unit": "",
                                "standard": (
                                    "项目是否有绩效目标，绩效目标与实际工作内容是否具有相关性，"
                                    "预期产出效益和效果是否符合正常的业绩水平，"
                                    "是否与预算确定的资金量相匹配。达成得3～2.4分；"
                                    "部分达成并有一定效果得2.4～1.8分；未达成且效果较差得1.8～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                            {
                                "code": "1.2.2",
                                "name": "绩效指标明确性",
                                "weight": "2",
                                "target": "指标明确",
                                "unit": "",
                                "standard": (
                                    "是否将绩效目标细化分解为具体的绩效指标，是否通过清晰、"
                                    "可衡量的指标值予以体现，是否与项目目标任务数或计划数相对应。"
                                    "达成得2～1.6分；部分达成并有一定效果得1.6～1.2分；"
                                    "未达成且效果较差得1.2～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                        ],
                    },
                    {
                        "code": "1.3",
                        "name": "资金投入",
                        "weight": "5",
                        "children": [
                            {
                                "code": "1.3.1",
                                "name": "预算编制科学性",
                                "weight": "3",
                                "target": "编制科学",
                                "unit": "",
                                "standard": (
                                    "预算编制是否经过科学论证，预算内容与项目内容是否匹配，"
                                    "预算额度测算依据是否充分，是否按照标准编制。达成得3～2.4分；"
                                    "部分达成并有一定效果得2.4～1.8分；未达成且效果较差得1.8～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                            {
                                "code": "1.3.2",
                                "name": "资金分配合理性",
                                "weight": "2",
                                "target": "分配合理",
                                "unit": "",
                                "standard": (
                                    "资金分配是否有测算依据，与补助单位或地方实际是否相适应。"
                                    "达成得2～1.6分；部分达成并有一定效果得1.6～1.2分；"
                                    "未达成且效果较差得1.2～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                        ],
                    },
                ],
            },
            {
                "code": "2",
                "name": "过程",
                "weight": "20",
                "children": [
                    {
                        "code": "2.1",
                        "name": "资金管理",
                        "weight": "12",
                        "children": [
                            {
                                "code": "2.1.1",
                                "name": "资金到位率",
                                "weight": "4",
                                "target": "100",
                                "unit": "%",
                                "standard": (
                                    "资金到位率=实际到位资金/预算资金×100%，按项目金额自动计算。"
                                    "得分=资金到位率/指标值×分值，最高不超过分值。"
                                ),
                                "rule": {"type": "rate", "measure": "funds_received"},
                                "scorer": None,
                                "direction": "positive",
                            },
                            {
                                "code": "2.1.2",
                                "name": "预算执行率",
                                "weight": "4",
                                "target": "100",
                                "unit": "%",
                                "standard": (
                                    "预算执行率=实际支出资金/预算资金×100%，按项目金额自动计算。"
                                    "得分=预算执行率/指标值×分值，最高不超过分值。"
                                ),
                                "rule": {"type": "rate", "measure": "budget_execution"},
                                "scorer": None,
                                "direction": "positive",
                            },
                            {
                                "code": "2.1.3",
                                "name": "资金使用合规性",
                                "weight": "4",
                                "target": "使用合规",
                                "unit": "",
                                "standard": (
                                    "资金使用是否符合财经法规、财务管理制度和专项资金管理办法，"
                                    "拨付是否有完整的审批程序和手续，"
                                    "是否符合预算批复或合同规定的用途，是否存在截留、挤占、挪用、"
                                    "虚列支出等情况。每发现一处问题扣1分，扣完为止。"
                                ),
                                "rule": {"type": "deduction"},
                                "scorer": None,
                                "direction": "positive",
                            },
                        ],
                    },
                    {
                        "code": "2.2",
                        "name": "组织实施",
                        "weight": "8",
                        "children": [
                            {
                                "code": "2.2.1",
                                "name": "管理制度健全性",
                                "weight": "4",
                                "target": "制度健全",
                                "unit": "",
                                "standard": (
                                    "是否已制定或具有相应的财务和业务管理制度，制度是否合法、合规、"
                                    "完整。达成得4～3.2分；部分达成并有一定效果得3.2～2.4分；"
                                    "未达成且效果较差得2.4～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                            {
                                "code": "2.2.2",
                                "name": "制度执行有效性",
                                "weight": "4",
                                "target": "执行有效",
                                "unit": "",
                                "standard": (
                                    "是否遵守相关法律法规和管理规定，"
                                    "项目调整及支出调整手续是否完备，合同书、"
                                    "验收报告等资料是否齐全并及时归档，实施的人员、场地设备、"
                                    "信息支撑是否落实到位。达成得4～3.2分；"
                                    "部分达成并有一定效果得3.2～2.4分；未达成且效果较差得2.4～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                        ],
                    },
                ],
            },
            {
                "code": "3",
                "name": "产出",
                "weight": "35",
                "children": [
                    {
                        "code": "3.1",
                        "name": "产出数量",
                        "weight": "10",
                        "children": [
                            {
                                "code": "3.1.1",
                                "name": "实际完成率",
                                "weight": "10",
                                "target": "100",
                                "unit": "%",
                                "standard": (
                                    "实际完成率=实际产出数/计划产出数×100%。"
                                    "达到或超过指标值得满分；未达到的，得分=完成值/指标值×分值。"
                                ),
                                "rule": {"type": "completion"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "3.2",
                        "name": "产出质量",
                        "weight": "10",
                        "children": [
                            {
                                "code": "3.2.1",
                                "name": "质量达标率",
                                "weight": "10",
                                "target": "100",
                                "unit": "%",
                                "standard": (
                                    "质量达标率=质量达标产出数/实际产出数×100%。"
                                    "达到或超过指标值得满分；未达到的，得分=完成值/指标值×分值。"
                                ),
                                "rule": {"type": "completion"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "3.3",
                        "name": "产出时效",
                        "weight": "8",
                        "children": [
                            {
                                "code": "3.3.1",
                                "name": "完成及时性",
                                "weight": "8",
                                "target": "按期完成",
                                "unit": "",
                                "standard": (
                                    "项目是否按计划时间完成：按期完成为达成，"
                                    "延期但完成主要任务为部分达成，严重延期为未达成。"
                                    "达成得8～6.4分；部分达成并有一定效果得6.4～4.8分；"
                                    "未达成且效果较差得4.8～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "3.4",
                        "name": "产出成本",
                        "weight": "7",
                        "children": [
                            {
                                "code": "3.4.1",
                                "name": "成本节约率",
                                "weight": "7",
                                "target": "≥0%",
                                "unit": "",
                                "standard": (
                                    "成本节约率=（计划成本−实际成本）/计划成本×100%。"
                                    "实际成本未超出计划成本的得满分；每超支1%扣1分，扣完为止。"
                                ),
                                "rule": {"type": "deduction"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                ],
            },
            {
                "code": "4",
                "name": "效益",
                "weight": "30",
                "children": [
                    {
                        "code": "4.1",
                        "name": "社会效益",
                        "weight": "10",
                        "children": [
                            {
                                "code": "4.1.1",
                                "name": "社会效益实现程度",
                                "weight": "10",
                                "target": "达到预期",
                                "unit": "",
                                "standard": (
                                    "项目实施是否产生了预期的社会效益，如公共服务水平、"
                                    "社会治理能力的提升。达成得10～8分；"
                                    "部分达成并有一定效果得8～6分；未达成且效果较差得6～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "4.2",
                        "name": "可持续影响",
                        "weight": "10",
                        "children": [
                            {
                                "code": "4.2.1",
                                "name": "可持续影响",
                                "weight": "10",
                                "target": "长效机制健全",
                                "unit": "",
                                "standard": (
                                    "项目完成后是否建立长效管理机制，后续运行维护的人员、经费、"
                                    "制度是否有保障。达成得10～8分；部分达成并有一定效果得8～6分；"
                                    "未达成且效果较差得6～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "4.3",
                        "name": "满意度",
                        "weight": "10",
                        "children": [
                            {
                                "code": "4.3.1",
                                "name": "服务对象满意度",
                                "weight": "10",
                                "target": "90",
                                "unit": "%",
                                "standard": (
                                    "通过问卷调查服务对象满意度，"
                                    "满意度=各选项分值按份数加权平均（非常满意100、满意80、"
                                    "基本满意60、不满意0）。满意度≥90%得满分；低于90%的，"
                                    "得分=满意度/90%×分值。"
                                ),
                                "rule": {
                                    "type": "survey",
                                    "target_rate": "90",
                                    "options": {
                                        "非常满意": 100,
                                        "满意": 80,
                                        "基本满意": 60,
                                        "不满意": 0,
                                    },
                                },
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                ],
            },
        ],
        "built_in": True,
        "updated_by_id": None,
        "updated_at": datetime(2026, 11, 24, 9, 0),
    },
    {
        "key": "unit_self",
        "title": "单位自评",
        "kinds": ["unit_self"],
        "description": "单位自评：产出50、效益30、服务对象满意度10、预算执行率10。",
        "tree": [
            {
                "code": "1",
                "name": "产出指标",
                "weight": "50",
                "children": [
                    {
                        "code": "1.1",
                        "name": "数量指标",
                        "weight": "20",
                        "children": [
                            {
                                "code": "1.1.1",
                                "name": "实际完成率",
                                "weight": "20",
                                "target": "100",
                                "unit": "%",
                                "standard": (
                                    "实际完成率=实际产出数/计划产出数×100%。"
                                    "达到或超过指标值得满分；未达到的，得分=完成值/指标值×分值。"
                                ),
                                "rule": {"type": "completion"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "1.2",
                        "name": "质量指标",
                        "weight": "15",
                        "children": [
                            {
                                "code": "1.2.1",
                                "name": "质量达标率",
                                "weight": "15",
                                "target": "100",
                                "unit": "%",
                                "standard": (
                                    "质量达标率=质量达标产出数/实际产出数×100%。"
                                    "达到或超过指标值得满分；未达到的，得分=完成值/指标值×分值。"
                                ),
                                "rule": {"type": "completion"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "1.3",
                        "name": "时效指标",
                        "weight": "10",
                        "children": [
                            {
                                "code": "1.3.1",
                                "name": "完成及时性",
                                "weight": "10",
                                "target": "按期完成",
                                "unit": "",
                                "standard": (
                                    "项目是否按计划时间完成：按期完成为达成，"
                                    "延期但完成主要任务为部分达成，严重延期为未达成。"
                                    "达成得10～8分；部分达成并有一定效果得8～6分；"
                                    "未达成且效果较差得6～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "1.4",
                        "name": "成本指标",
                        "weight": "5",
                        "children": [
                            {
                                "code": "1.4.1",
                                "name": "成本节约率",
                                "weight": "5",
                                "target": "≥0%",
                                "unit": "",
                                "standard": (
                                    "成本节约率=（计划成本−实际成本）/计划成本×100%。"
                                    "实际成本未超出计划成本的得满分；每超支1%扣1分，扣完为止。"
                                ),
                                "rule": {"type": "deduction"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                ],
            },
            {
                "code": "2",
                "name": "效益指标",
                "weight": "30",
                "children": [
                    {
                        "code": "2.1",
                        "name": "经济效益指标",
                        "weight": "5",
                        "children": [
                            {
                                "code": "2.1.1",
                                "name": "经济效益实现程度",
                                "weight": "5",
                                "target": "达到预期",
                                "unit": "",
                                "standard": (
                                    "项目实施是否产生了预期的直接或间接经济效益。达成得5～4分；"
                                    "部分达成并有一定效果得4～3分；未达成且效果较差得3～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "2.2",
                        "name": "社会效益指标",
                        "weight": "15",
                        "children": [
                            {
                                "code": "2.2.1",
                                "name": "社会效益实现程度",
                                "weight": "15",
                                "target": "达到预期",
                                "unit": "",
                                "standard": (
                                    "项目实施是否产生了预期的社会效益，如公共服务水平、"
                                    "社会治理能力的提升。达成得15～12分；"
                                    "部分达成并有一定效果得12～9分；未达成且效果较差得9～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "2.3",
                        "name": "可持续影响指标",
                        "weight": "10",
                        "children": [
                            {
                                "code": "2.3.1",
                                "name": "可持续影响",
                                "weight": "10",
                                "target": "长效机制健全",
                                "unit": "",
                                "standard": (
                                    "项目完成后是否建立长效管理机制，后续运行维护的人员、经费、"
                                    "制度是否有保障。达成得10～8分；部分达成并有一定效果得8～6分；"
                                    "未达成且效果较差得6～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                ],
            },
            {
                "code": "3",
                "name": "服务对象满意度",
                "weight": "10",
                "children": [
                    {
                        "code": "3.1",
                        "name": "满意度指标",
                        "weight": "10",
                        "children": [
                            {
                                "code": "3.1.1",
                                "name": "服务对象满意度",
                                "weight": "10",
                                "target": "90",
                                "unit": "%",
                                "standard": (
                                    "通过问卷调查服务对象满意度，"
                                    "满意度=各选项分值按份数加权平均（非常满意100、满意80、"
                                    "基本满意60、不满意0）。满意度≥90%得满分；低于90%的，"
                                    "得分=满意度/90%×分值。"
                                ),
                                "rule": {
                                    "type": "survey",
                                    "target_rate": "90",
                                    "options": {
                                        "非常满意": 100,
                                        "满意": 80,
                                        "基本满意": 60,
                                        "不满意": 0,
                                    },
                                },
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    }
                ],
            },
            {
                "code": "4",
                "name": "预算执行率",
                "weight": "10",
                "children": [
                    {
                        "code": "4.1",
                        "name": "预算执行",
                        "weight": "10",
                        "children": [
                            {
                                "code": "4.1.1",
                                "name": "预算执行率",
                                "weight": "10",
                                "target": "100",
                                "unit": "%",
                                "standard": (
                                    "预算执行率=实际支出资金/预算资金×100%，按项目金额自动计算。"
                                    "得分=预算执行率/指标值×分值，最高不超过分值。"
                                ),
                                "rule": {"type": "rate", "measure": "budget_execution"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    }
                ],
            },
        ],
        "built_in": True,
        "updated_by_id": None,
        "updated_at": datetime(2026, 11, 24, 9, 0),
    },
    {
        "key": "xueliang",
        "title": "雪亮工程（公共安全视频监控建设）",
        "kinds": ["department", "finance"],
        "description": "视频监控建设项目：项目过程20、项目产出40、项目效果40。",
        "tree": [
            {
                "code": "1",
                "name": "项目过程",
                "weight": "20",
                "children": [
                    {
                        "code": "1.1",
                        "name": "项目投入",
                        "weight": "5",
                        "children": [
                            {
                                "code": "1.1.1",
                                "name": "预算执行率",
                                "weight": "5",
                                "target": "100",
                                "unit": "%",
                                "standard": (
                                    "预算执行率=实际支出资金/预算资金×100%，按项目金额自动计算。"
                                    "得分=预算执行率/指标值×分值，最高不超过分值。"
                                ),
                                "rule": {"type": "rate", "measure": "budget_execution"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "1.2",
                        "name": "财务管理",
                        "weight": "7",
                        "children": [
                            {
                                "code": "1.2.1",
                                "name": "财务管理制度健全性",
                                "weight": "3",
                                "target": "制度健全",
                                "unit": "",
                                "standard": (
                                    "是否制定了项目资金管理办法和财务管理制度，"
                                    "重大支出是否经集体决策（“三重一大”）。达成得3～2.4分；"
                                    "部分达成并有一定效果得2.4～1.8分；未达成且效果较差得1.8～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                            {
                                "code": "1.2.2",
                                "name": "资金使用规范性",
                                "weight": "4",
                                "target": "使用规范",
                                "unit": "",
                                "standard": (
                                    "资金是否按合同约定和审批程序通过财政直接支付，是否存在超范围、"
                                    "超标准支出，支付是否及时。每发现一处问题扣1分，扣完为止。"
                                ),
                                "rule": {"type": "deduction"},
                                "scorer": None,
                                "direction": "positive",
                            },
                        ],
                    },
                    {
                        "code": "1.3",
                        "name": "项目实施管理",
                        "weight": "8",
                        "children": [
                            {
                                "code": "1.3.1",
                                "name": "项目管理制度执行有效性",
                                "weight": "4",
                                "target": "执行有效",
                                "unit": "",
                                "standard": (
                                    "是否按规定完成招投标、监理和竣工验收，"
                                    "项目资料是否齐全并及时归档。达成得4～3.2分；"
                                    "部分达成并有一定效果得3.2～2.4分；未达成且效果较差得2.4～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                            {
                                "code": "1.3.2",
                                "name": "项目质量可控性",
                                "weight": "4",
                                "target": "质量可控",
                                "unit": "",
                                "standard": (
                                    "是否有质量检查、监理和验收等质量控制措施，"
                                    "发现的问题是否及时整改。达成得4～3.2分；"
                                    "部分达成并有一定效果得3.2～2.4分；未达成且效果较差得2.4～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                        ],
                    },
                ],
            },
            {
                "code": "2",
                "name": "项目产出",
                "weight": "40",
                "children": [
                    {
                        "code": "2.1",
                        "name": "产出数量",
                        "weight": "15",
                        "children": [
                            {
                                "code": "2.1.1",
                                "name": "前端点位建设数量",
                                "weight": "10",
                                "target": "2100",
                                "unit": "路",
                                "standard": (
                                    "新建行政村等前端高清视频监控点位数量，"
                                    "以竣工验收资料和现场核验为准。达到或超过指标值得满分；"
                                    "未达到的，得分=完成值/指标值×分值。"
                                ),
                                "rule": {"type": "completion"},
                                "scorer": None,
                                "direction": "positive",
                            },
                            {
                                "code": "2.1.2",
                                "name": "视频资源接入数量",
                                "weight": "5",
                                "target": "9988",
                                "unit": "路",
                                "standard": (
                                    "已建成社会治安视频监控点位接入共享平台的数量。"
                                    "达到或超过指标值得满分；未达到的，得分=完成值/指标值×分值。"
                                ),
                                "rule": {"type": "completion"},
                                "scorer": None,
                                "direction": "positive",
                            },
                        ],
                    },
                    {
                        "code": "2.2",
                        "name": "产出质量",
                        "weight": "10",
                        "children": [
                            {
                                "code": "2.2.1",
                                "name": "摄像机在线率",
                                "weight": "10",
                                "target": "≥90%",
                                "unit": "",
                                "standard": (
                                    "前端摄像机在线率以平台统计为准，合同约定不低于90%。"
                                    "达到的得满分；每低于1个百分点扣1分，扣完为止。"
                                ),
                                "rule": {"type": "deduction"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "2.3",
                        "name": "产出时效",
                        "weight": "8",
                        "children": [
                            {
                                "code": "2.3.1",
                                "name": "项目完成及时性",
                                "weight": "8",
                                "target": "按期完成",
                                "unit": "",
                                "standard": (
                                    "项目是否在合同约定的建设期（12个月）内完成建设并通过竣工验收。"
                                    "达成得8～6.4分；部分达成并有一定效果得6.4～4.8分；"
                                    "未达成且效果较差得4.8～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "2.4",
                        "name": "产出成本",
                        "weight": "7",
                        "children": [
                            {
                                "code": "2.4.1",
                                "name": "项目建设成本",
                                "weight": "7",
                                "target": "300",
                                "unit": "万元",
                                "standard": (
                                    "项目实际建设成本控制在批复预算以内。达到或优于指标值得满分；"
                                    "超出的，得分=指标值/完成值×分值。"
                                ),
                                "rule": {"type": "completion"},
                                "scorer": None,
                                "direction": "negative",
                            }
                        ],
                    },
                ],
            },
            {
                "code": "3",
                "name": "项目效果",
                "weight": "40",
                "children": [
                    {
                        "code": "3.1",
                        "name": "社会效益",
                        "weight": "15",
                        "children": [
                            {
                                "code": "3.1.1",
                                "name": "视频资源共享应用",
                                "weight": "8",
                                "target": "共享应用",
                                "unit": "",
                                "standard": (
                                    "是否为综治、公安等授权用户提供视频资源共享服务，在治安防控、"
                                    "案件侦破中发挥作用。达成得8～6.4分；"
                                    "部分达成并有一定效果得6.4～4.8分；未达成且效果较差得4.8～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                            {
                                "code": "3.1.2",
                                "name": "社会治安防控水平提升",
                                "weight": "7",
                                "target": "明显提升",
                                "unit": "",
                                "standard": (
                                    "重点区域和行政村的视频监控覆盖是否提高，群众安全感是否提升。"
                                    "达成得7～5.6分；部分达成并有一定效果得5.6～4.2分；"
                                    "未达成且效果较差得4.2～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            },
                        ],
                    },
                    {
                        "code": "3.2",
                        "name": "可持续影响",
                        "weight": "10",
                        "children": [
                            {
                                "code": "3.2.1",
                                "name": "运行维护长效机制",
                                "weight": "10",
                                "target": "长效机制健全",
                                "unit": "",
                                "standard": (
                                    "是否建立平台运行维护和管理制度，运维经费、人员是否落实，"
                                    "系统能否持续稳定运行。达成得10～8分；"
                                    "部分达成并有一定效果得8～6分；未达成且效果较差得6～0分。"
                                ),
                                "rule": {"type": "tiered"},
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                    {
                        "code": "3.3",
                        "name": "满意度",
                        "weight": "15",
                        "children": [
                            {
                                "code": "3.3.1",
                                "name": "群众满意度",
                                "weight": "15",
                                "target": "90",
                                "unit": "%",
                                "standard": (
                                    "通过问卷调查辖区群众满意度，"
                                    "满意度=各选项分值按份数加权平均（非常满意100、满意80、"
                                    "基本满意60、不满意0）。满意度≥90%得满分；低于90%的，"
                                    "得分=满意度/90%×分值。"
                                ),
                                "rule": {
                                    "type": "survey",
                                    "target_rate": "90",
                                    "options": {
                                        "非常满意": 100,
                                        "满意": 80,
                                        "基本满意": 60,
                                        "不满意": 0,
                                    },
                                },
                                "scorer": None,
                                "direction": "positive",
                            }
                        ],
                    },
                ],
            },
        ],
        "built_in": True,
        "updated_by_id": None,
        "updated_at": datetime(2026, 11, 24, 9, 0),
    },
]


def upgrade() -> None:
    table = op.create_table(
        "indicator_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tree", sa.JSON(), nullable=False),
        sa.Column("built_in", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_indicator_templates_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_templates")),
        sa.UniqueConstraint("key", name=op.f("uq_indicator_templates_key")),
    )
    op.bulk_insert(table, BUILT_IN_TEMPLATES)


def downgrade() -> None:
    op.drop_table("indicator_templates")
