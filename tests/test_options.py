"""Settings are declared once (``meshlint.config.options``): the flags, the config keys and
their conversion, and the rules' options all come from the declarations."""

import argparse
import io
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from meshlint.cli.flags import add_flags, flag_options, given
from meshlint.cli.main import _check_parser, main
from meshlint.config.file import OPTIONS, Config, build_engine_settings, build_settings
from meshlint.config.options import MAPPING, NUMBER, SWITCH, TEXTS, choice, declared, option
from meshlint.config.settings import EngineSettings, Settings
from meshlint.rules import RULES


def test_keys_and_flags_are_unique():
    keys = [o.key for o in OPTIONS]
    flags = [o.flag for o in OPTIONS if o.flag]
    assert len(keys) == len(set(keys))
    assert len(flags) == len(set(flags))


def test_every_declared_flag_is_on_the_command_line_once():
    strings = [s for action in _check_parser()._actions for s in action.option_strings]
    for declared_option in OPTIONS:
        if declared_option.flag:
            assert strings.count(declared_option.flag) == 1, declared_option.flag


def test_help_shows_each_flag_with_its_declared_help(capsys):
    assert main(["--help"], io.StringIO(), io.StringIO()) == 0  # argparse prints to stdout
    text = " ".join(capsys.readouterr().out.split())
    for o in OPTIONS:
        if o.flag:
            assert " ".join((o.flag_help or o.help).split()) in text, o.flag


def test_declared_options_follow_the_dataclass_fields():
    assert [o.name for o in declared(Settings)] == list(Settings.__dataclass_fields__)
    assert [o.name for o in declared(EngineSettings)] == list(EngineSettings.__dataclass_fields__)
    for cls in (Settings, EngineSettings):
        defaults = cls()
        for o in declared(cls):
            assert getattr(defaults, o.name) == o.default


def test_an_option_of_no_known_type_must_name_its_kind():
    @dataclass(frozen=True)
    class Odd:
        limits: Mapping[str, int] = option({}, "some mapping")

    with pytest.raises(TypeError, match=r"Odd\.limits"):
        declared(Odd)


def _flags(*argv: str) -> dict:
    parser = argparse.ArgumentParser()
    options = (*flag_options(EngineSettings), *flag_options(Settings))
    add_flags(parser, options)
    return given(parser.parse_args(argv), options)


def test_flags_give_config_keys_and_none_when_not_given():
    values = _flags()
    assert set(values) == {o.key for o in OPTIONS if o.flag}
    assert all(value is None for value in values.values())


def test_list_flags_split_at_commas_and_workloads_add_to_the_defaults():
    values = _flags(
        "--known-host",
        "a.example.com, b.example.com",
        "--known-host",
        "c",
        "--select",
        " ,",
        "--known-workload",
        "shop/app=x,version=v1",
    )
    assert values["known-hosts"] == ["a.example.com", "b.example.com", "c"]
    assert values["select"] is None  # nothing left: the config's (or the default) stands
    assert values["known-workloads"] == (*Settings().known_workloads, "shop/app=x,version=v1")


def test_switches_set_their_declared_value():
    values = _flags("--no-render", "--whole-cluster", "--force-exclude")
    assert (values["render"], values["whole-cluster"], values["force-exclude"]) == (
        False,
        True,
        True,
    )
    assert build_engine_settings(Config(), values).render is False


def test_command_line_over_config_over_defaults(tmp_path):
    config = Config(
        tmp_path / ".meshlint.yaml",
        {"fail-on": "error", "baseline": "b.json", "render-timeout": 5, "schemas": "s"},
    )
    engine = build_engine_settings(config, {"fail-on": None, "baseline": None})
    assert engine.fail_on == "error"
    assert engine.baseline == str(tmp_path / "b.json")  # relative to the config file
    assert engine.render_timeout == 5.0 and engine.render is True
    engine = build_engine_settings(config, {"fail-on": "info", "baseline": "mine.json"})
    assert (engine.fail_on, engine.baseline) == ("info", "mine.json")
    assert build_settings(config, {}).schemas_dir == str(tmp_path / "s")
    assert build_settings(config, {"schemas": "t"}).schemas_dir == "t"


def test_a_flag_value_its_option_refuses_names_the_flag():
    with pytest.raises(ValueError, match=r"--mesh-config /no/such/file: no such file"):
        _flags("--mesh-config", "/no/such/file")


def test_every_rule_option_is_typed_documented_and_its_default_fits():
    for rule in RULES:
        for o in rule.options:
            assert o.help and o.kind.accepts(o.default), (rule.name, o.name)
        assert rule.defaults == {o.name: o.default for o in rule.options}


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (TEXTS, ["a"], "a"),
        (SWITCH, False, 0),
        (NUMBER, 1.5, True),
        (choice("a", "b"), "a", "c"),
        (MAPPING, {}, []),
    ],
)
def test_kinds_accept_their_json_type(kind, good, bad):
    assert kind.accepts(good) and not kind.accepts(bad)
