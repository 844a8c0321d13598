"""A realistic vocabulary for the search benchmarks: many distinct titles and phrases, drawn with
Zipf-distributed frequencies as real postings are (a few occupations and phrases are common, most
are rare), instead of a handful of titles each in a fifth of the postings."""

from __future__ import annotations

import random
from itertools import accumulate

OCCUPATIONS = (
    "普工",
    "操作工",
    "质检员",
    "仓管员",
    "电工",
    "焊工",
    "钳工",
    "叉车司机",
    "数控车工",
    "装配工",
    "客服专员",
    "销售代表",
    "护士",
    "养老护理员",
    "收银员",
    "厨师",
    "快递员",
    "保安",
    "电商运营",
    "会计",
    "出纳",
    "行政文员",
    "设备维修工",
    "机修工",
    "注塑工",
    "包装工",
    "物流专员",
    "汽车维修工",
    "前端开发",
    "Java开发",
    "测试工程师",
    "网络管理员",
    "数据标注员",
    "美容师",
    "幼儿教师",
    "药剂员",
    "康复治疗师",
    "电气工程师",
    "机械设计",
    "CAD绘图员",
    "模具钳工",
    "数控编程员",
    "工业机器人运维",
    "新能源汽车装调工",
    "化工操作工",
    "设备点检员",
    "光伏组件工",
    "电子装联工",
    "无人机操控员",
    "茶艺师",
    "导游",
    "酒店前台",
    "面点师",
    "育婴员",
    "农机维修工",
    "冷链物流员",
    "智能制造产线技术员",
    "PLC调试员",
    "半导体封装工",
    "城轨站务员",
    "航空地勤",
    "船舶焊工",
    "建筑施工员",
    "造价员",
    "测量员",
    "钢筋工",
    "物业管理员",
    "直播运营",
    "短视频剪辑",
    "平面设计",
    "UI设计",
    "动画制作",
    "外贸跟单",
    "报关员",
    "理货员",
    "电梯安装工",
    "锅炉工",
    "水电工",
    "食品检验员",
    "中药调剂员",
    "口腔护士",
    "医学检验",
    "兽医助理",
    "园林绿化工",
    "烘焙师",
)
QUALIFIERS = ("", "", "", "实习", "学徒", "储备", "初级", "高级", "见习", "熟练", "夜班", "长白班")
DUTIES = (
    "负责生产线日常操作",
    "负责产品质量检验",
    "负责设备日常保养",
    "负责仓库收发货",
    "负责客户咨询与回访",
    "完成上级安排的工作",
    "负责数控机床的编程与操作",
    "参与首件检验与质量追溯",
    "跟随师傅学习焊接与切割工艺",
    "参与后台接口开发与测试",
    "负责配电设备的日常巡检",
    "协助完成生产计划与物料管理",
    "参与新能源汽车整车装配",
    "负责老人日常照护",
    "负责门店销售",
    "负责病区护理工作",
    "负责账务处理与报表",
    "负责网店商品上架",
    "负责物料盘点",
    "负责叉车搬运",
    "负责注塑机换模调试",
    "负责工业机器人示教编程",
    "负责PLC程序调试",
    "负责光伏组件层压",
    "负责电子元器件贴装",
    "负责冷链车辆调度",
    "负责楼宇水电维修",
    "负责施工现场质量安全",
    "负责直播间运营",
    "负责短视频拍摄剪辑",
    "负责报关单证制作",
    "负责食品理化检验",
    "负责中药饮片调剂",
    "负责幼儿保育",
    "负责酒店前台接待",
    "负责园林养护",
    "负责电梯维保",
    "负责无人机航拍作业",
    "负责测量放线",
    "负责模具维修",
    "负责半导体封装测试",
    "负责乘客服务",
)
REQUIREMENTS = (
    "中专及以上学历",
    "大专及以上学历",
    "能吃苦耐劳",
    "有相关经验者优先",
    "持电工证者优先",
    "持焊工证者优先",
    "熟悉PLC编程者优先",
    "熟练使用CAD和SolidWorks",
    "持护士执业证",
    "会使用办公软件",
    "身体健康",
    "服从安排",
    "应届毕业生亦可",
    "持叉车证",
    "沟通能力强",
    "持有职业技能等级证书",
    "适应倒班",
    "有驾照者优先",
)
BENEFITS = (
    "五险一金",
    "提供住宿和工作餐",
    "按国家规定缴纳社会保险",
    "带薪年假",
    "包吃包住",
    "节日福利",
    "完成岗位培训后可转正",
    "月休四天",
    "加班费另计",
    "提供免费培训",
    "绩效奖金",
    "交通补贴",
    "年终奖",
    "定期体检",
    "高温补贴",
    "岗位津贴",
)


class Zipf:
    """Draws from ``items`` with weight 1 / rank (the first item is the most common)."""

    def __init__(self, items: tuple[str, ...], exponent: float = 1.0) -> None:
        self.items = items
        self.cumulative = list(
            accumulate(1 / (rank**exponent) for rank in range(1, len(items) + 1))
        )

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


def titles_and_phrases() -> tuple[list[str], list[str]]:
    """Every distinct title and phrase the vocabulary can produce (to cut each once)."""
    titles = [q + o for q in dict.fromkeys(QUALIFIERS) for o in OCCUPATIONS]
    return titles, [*DUTIES, *REQUIREMENTS, *BENEFITS]


class Postings:
    """Titles (a qualifier and an occupation) and descriptions (two duties, a requirement, a
    benefit), each part drawn by its own Zipf distribution."""

    def __init__(self) -> None:
        self.occupations = Zipf(OCCUPATIONS)
        self.qualifiers = Zipf(QUALIFIERS, 0.5)
        self.duties = Zipf(DUTIES)
        self.requirements = Zipf(REQUIREMENTS)
        self.benefits = Zipf(BENEFITS)

    def title(self, rng: random.Random) -> str:
        return self.qualifiers.draw(rng) + self.occupations.draw(rng)

    def phrases(self, rng: random.Random) -> list[str]:
        duties = list(dict.fromkeys([self.duties.draw(rng), self.duties.draw(rng)]))
        return [*duties, self.requirements.draw(rng), self.benefits.draw(rng)]
