"""Query analysis: names the records store knows are taken out of the question, what is left is
searched within the named submissions (the *focus* ranking)."""

from __future__ import annotations

from assistant.retrieval import HybridRetriever, analyse
from assistant.retrieval.gazetteer import Gazetteer, gazetteer

GAZ = Gazetteer(units=("云泽市民政局", "清漪县民政局"),
                projects=("2022年城乡最低生活保障资金", "城乡最低生活保障资金"),
                project_units={"2022年城乡最低生活保障资金": ("云泽市民政局",),
                               "城乡最低生活保障资金": ("云泽市民政局", "清漪县民政局")})


def test_names_and_years_leave_the_focus_with_its_form_terms():
    plan = analyse("云泽市民政局2022年城乡最低生活保障资金自评得了多少分？", GAZ)
    assert plan.units == ("云泽市民政局",)
    assert plan.projects == ("2022年城乡最低生活保障资金",)  # the year inside the name is the name's
    assert "民政局" not in plan.focus and "2022" not in plan.focus
    assert "自评得" in plan.focus and "总分" in plan.focus  # 得了多少分 → the form's 总分
    assert plan.text.startswith("云泽市民政局2022年") and plan.text.endswith("总分")


def test_a_particle_after_a_name_goes_with_it():
    plan = analyse("云泽市民政局城乡最低生活保障资金中保障对象满意度是多少", GAZ)
    assert plan.focus.split()[0] == "保障对象满意度是多少"  # not 中保障 …


def test_units_of_a_named_project_scope_the_focus():
    plan = analyse("城乡最低生活保障资金的偏差原因", GAZ)
    assert plan.units == () and plan.scope_units(GAZ) == ("云泽市民政局", "清漪县民政局")
    assert analyse("清漪县民政局城乡最低生活保障资金的偏差原因", GAZ).scope_units(GAZ) == ("清漪县民政局",)


def test_nothing_to_focus_on():
    assert analyse("云泽市民政局是多少？", GAZ).focus == ""  # only question words left
    plain = analyse("执行情况如何", GAZ)
    assert not plain.named and "执行率" in plain.text


def test_submissions_about_a_project_keep_the_units_reports(small):
    names = gazetteer(small.records)
    assert sorted(names.submissions_about(["某县教育局"])) == ["aaaa000000000001", "bbbb000000000002"]
    assert names.submissions_about(["某县教育局"], ["学生资助"]) == ["aaaa000000000001"]
    health = names.submissions_about(["某县卫生健康局"], ["2023年疫苗接种"])  # one name holds the other
    assert sorted(health) == ["cccc000000000003", "dddd000000000004", "eeee000000000005"]
    assert names.submissions_about([]) == []


def test_the_focus_ranking_puts_the_asked_field_above_the_names(small):
    question = "某县卫生健康局疫苗接种得了多少分"
    hits = HybridRetriever(stores=small).search(question, k=2)
    assert all("得分" in h.text or "总分：" in h.text for h in hits)
    assert "focus" in hits[0].ranks
    # without the analysis the chunk repeating the names most wins
    plain = HybridRetriever(stores=small, analyse_query=False).search(question, k=1)
    assert "总分：" not in plain[0].text and "得分" not in plain[0].text
