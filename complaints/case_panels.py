"""Sections that the apps above the case workflow add to the case page (supervision's panel), shown
in the order they were added, below the deadline panel. The case page cannot import them (they sit
above complaints), so each app registers its panel from its AppConfig.ready(), as it registers its
history listeners (services/history.py)."""
from collections.abc import Callable

from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

PanelContext = Callable[..., dict]
"""`context_function(*, request, case, now) -> dict`: what the panel's template is rendered with."""

_panels: list[tuple[str, PanelContext]] = []


def case_panel_add(template_name: str, context_function: PanelContext) -> None:
    """Show `template_name` on every case page, rendered with what `context_function` returns."""
    if (template_name, context_function) not in _panels:
        _panels.append((template_name, context_function))


def case_panels_render(*, request, case, now) -> list[SafeString]:
    """Every registered panel rendered for `case`. `now` is the moment the page judges its clocks at,
    the same for the deadline panel, so two panels cannot straddle a clock's warning time. Rendered
    without the page's context processors (one panel needs none of them), but with the page's CSRF
    token, for a panel's form."""
    return [render_to_string(template_name, {**csrf(request), **context_function(request=request, case=case, now=now)})
            for template_name, context_function in _panels]
