"""The policy page (法定时限与情形): every time limit and statutory ground in force, with its order,
article and effective date, and the rows not yet checked against the official text marked 待核实,
so the center's legal staff see what to check and units see the rules they are held to."""
from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from deadlines.models import TimeLimit

from .models import StatutoryGround


@login_required
def policy(request):
    limits = TimeLimit.objects.filter(is_active=True).order_by("clock", "case_kind", "grade", "effective_from")
    grounds = StatutoryGround.objects.filter(is_active=True).order_by("track", "-legal_basis", "order", "code")
    groups = [(track, list(rows)) for track, rows in groupby(grounds, key=lambda g: g.get_track_display())]
    unverified = sum(limit.unverified for limit in limits) + sum(ground.unverified for ground in grounds)
    return render(request, "complaints/policy.html",
                  {"limits": limits, "ground_groups": groups, "unverified": unverified})
