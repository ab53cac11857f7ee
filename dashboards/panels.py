"""Small panel and variable helpers over grafana-foundation-sdk builders."""

from __future__ import annotations

from collections.abc import Sequence

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import prometheus, stat, table, timeseries
from grafana_foundation_sdk.models import dashboard as dm
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

from undercurrent import conventions as names

DATASOURCE = dm.DataSourceRef(type_val="prometheus", uid="${datasource}")
EVIDENCE_BASE_URL = "http://127.0.0.1:8088"
REFRESH = "1m"

Series = Sequence[tuple[str, str]]  # (expr, legend)


def _targets(series: Series, instant: bool = False) -> list[prometheus.Dataquery]:
    built = []
    for ref, (expr, legend) in zip("ABCDEFGH", series, strict=False):
        query = prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref)
        built.append(query.instant().format(PromQueryFormat.TABLE) if instant else query.range())
    return built


def evidence_link(**params: str) -> db.DashboardLink:
    """A data link into the evidence view; values may be Grafana variables or field labels."""
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return (
        db.DashboardLink("Sessions behind this number")
        .url(f"${{evidence_url}}/sessions?{query}")
        .target_blank(True)
    )


FIELD_SCOPE = {"feature": "${__field.labels.feature}", "domain": "${__field.labels.domain}"}
VARIABLE_SCOPE = {"feature": "${feature:text}", "domain": "${domain:text}"}


def timeseries_panel(
    title: str, series: Series, unit: str, links: Sequence[db.DashboardLink] = (), width: int = 12
) -> timeseries.Panel:
    panel = timeseries.Panel().title(title).datasource(DATASOURCE).unit(unit).span(width).height(8)
    for target in _targets(series):
        panel = panel.with_target(target)
    return panel.data_links(list(links)) if links else panel


def stat_panel(title: str, series: Series, unit: str, width: int = 6) -> stat.Panel:
    panel = stat.Panel().title(title).datasource(DATASOURCE).unit(unit).span(width).height(6)
    for target in _targets(series):
        panel = panel.with_target(target)
    return panel


def table_panel(
    title: str,
    expr: str,
    unit: str = "none",
    links: Sequence[db.DashboardLink] = (),
    transformations: Sequence[dm.DataTransformerConfig] = (),
    width: int = 12,
) -> table.Panel:
    panel = table.Panel().title(title).datasource(DATASOURCE).unit(unit).span(width).height(8)
    panel = panel.with_target(_targets([(expr, "")], instant=True)[0])
    for transformation in transformations:
        panel = panel.with_transformation(transformation)
    return panel.data_links(list(links)) if links else panel


def matrix_panel(
    title: str, expr: str, rows: str, columns: str, unit: str, links: Sequence[db.DashboardLink] = (), width: int = 24
) -> table.Panel:
    """A rows x columns heat table: one instant value per label pair, cells coloured by value."""
    to_matrix = dm.DataTransformerConfig(
        id_val="groupingToMatrix", options={"rowField": rows, "columnField": columns, "valueField": "Value"}
    )
    return (
        table_panel(title, expr, unit, links, transformations=[to_matrix], width=width)
        .color_scheme(db.FieldColor().mode(dm.FieldColorModeId.CONTINUOUS_YL_RD))
        .override_by_field_type(
            "number", [dm.DynamicConfigValue(id_val="custom.cellOptions", value={"type": "color-background"})]
        )
    )


def _label_variable(name: str, metric: str) -> db.QueryVariable:
    return (
        db.QueryVariable(name)
        .label(name.capitalize())
        .query(f"label_values({metric}, {name})")
        .datasource(DATASOURCE)
        .multi(True)
        .include_all(True)
        .all_value(".*")
        .refresh(dm.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(dm.VariableSort.ALPHABETICAL_ASC)
    )


def variables() -> list:
    return [
        db.DatasourceVariable("datasource").label("Data source").type("prometheus"),
        _label_variable("feature", names.SESSIONS_CLOSED),
        _label_variable("domain", names.SESSIONS_CLOSED),
        db.TextBoxVariable("evidence_url").label("Evidence view").default_value(EVIDENCE_BASE_URL),
    ]


def release_variable(name: str, label: str) -> db.QueryVariable:
    """One release, chosen from the values of the release label."""
    return (
        db.QueryVariable(name)
        .label(label)
        .query(f"label_values({names.SESSIONS_CLOSED}, release)")
        .datasource(DATASOURCE)
        .refresh(dm.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(dm.VariableSort.ALPHABETICAL_ASC)
    )


def dashboard(
    uid: str, title: str, rows: Sequence[tuple[str, Sequence[object]]], extra_variables: Sequence[object] = ()
) -> db.Dashboard:
    board = (
        db.Dashboard(title)
        .uid(uid)
        .tags(["undercurrent"])
        .refresh(REFRESH)
        .time("now-6h", "now")
        .timezone("utc")
        .editable()
    )
    for variable in (*variables(), *extra_variables):
        board = board.with_variable(variable)
    for row_title, row_panels in rows:
        board = board.with_row(db.Row(row_title))
        for panel in row_panels:
            board = board.with_panel(panel)
    return board
