"""Citations used by rule ``source`` strings (docs/domain.md section 0, "Key documents").

User-facing output cites the official document; third-party reposts are given as the address
where the wording was seen (docs/domain.md: "cite the official document in user-facing output").
"""

MOF_10 = "财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）"
MOF_101 = "财政部《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》（财预〔2021〕101号）"
MOF_53 = "财政部《预算绩效评价共性指标体系框架》（财预〔2013〕53号） http://yss.mof.gov.cn/zhuantilanmu/zyysgl/201609/t20160927_2427777.htm"
MOF_285 = "财政部《财政支出绩效评价管理暂行办法》（财预〔2011〕285号，已废止，报告提纲沿用）"

SICHUAN = "四川省部门预算项目支出绩效自评表填报说明 https://www.scqs.gov.cn/info/13206/211004.htm"
CHIZHOU = "池州市贵池区项目支出绩效自评表实例 http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2"
DAYING = "大英县项目支出绩效自评表实例 https://dyxrmt.cn/article-157795-21.html"
DYRMT = "项目支出绩效自评表实例 https://dyrmt.com/article-132779-22.html"
KUNMINGCHI = "市级项目自评表填报说明（转载） https://www.kunmingchi.com/archives/973rxnk2je7n4oep6ym4.html"
WENMI = "市级项目自评表评分说明（转载） https://1wenmi.com/doc/330418.html"
DOCZJ = "项目支出绩效评价评分方法（转载） https://biz.doczj.com/doc/174893555.html"
DYBBS = "绩效目标编制指引摘要（转载） http://m.dybbs8.com/excel/974350.html"
NDHX = "预算绩效自评问题分析（转载） https://ndhx.net/lunwen/qikan-13055.html"
JXXFW = "S市预算绩效自评研究（转载） https://jxxfw.com/periodical/36f7f9232ad1586bce1feb8d691014f5.html"
YUEYANG = "岳阳市部门整体支出绩效自评评分表 https://glj.yueyang.gov.cn/6173/6181/content_1705915.html"
MOF_88 = "财政部《中央部门预算绩效目标管理办法》（财预〔2015〕88号）"
MOF_136 = "财政部《中央部门预算绩效运行监控管理暂行办法》（财预〔2019〕136号）"
# 10号 N9: the self-evaluation table should be "内容完整、权重合理、数据真实、结果客观" (docs/domain.md)
MOF_10_N9 = f"{MOF_10}（自评表应内容完整、权重合理、数据真实、结果客观）"
REVIEW_SYSTEM = "某省预算绩效自评复核系统的评分配置（省份及文件待核实，非全国统一规定）"
