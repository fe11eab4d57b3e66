"""Agency names as people write them: prefixes and the common abbreviations of an agency's kind."""
import pytest

from reports.names import ABBREVIATIONS, same_agency_named, spellings


def test_an_abbreviated_kind_is_spelled_out_and_a_full_one_abbreviated():
    assert spellings("利通区卫健局") == {"利通区卫健局", "利通区卫生健康局"}
    assert spellings("吴忠市利通区卫生健康局") == {"吴忠市利通区卫生健康局", "吴忠市利通区卫健局"}
    assert spellings("利通区市场监督管理局") == {"利通区市场监督管理局", "利通区市监局", "利通区市场监管局"}
    assert spellings("利通区 人社局") == {"利通区人社局", "利通区人力资源和社会保障局"}
    assert spellings("利通区财政局") == {"利通区财政局"}
    assert spellings("") == {""}


@pytest.mark.parametrize("short, full", sorted(ABBREVIATIONS.items()))
def test_every_abbreviation_names_its_full_form(short, full):
    assert same_agency_named(f"吴忠市利通区{full}", f"利通区{short}")


def test_an_abbreviation_names_only_its_own_kind_and_prefixes_are_cut_only_at_region_boundaries():
    assert not same_agency_named("利通区卫健局", "利通区卫生健康委员会")
    assert not same_agency_named("东城区卫健局", "城区卫生健康局")
