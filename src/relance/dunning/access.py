"""Which dunning actions a user may see and decide on: collectors their own customers'
only, administrators and credit managers all of them (`team.access`). The dunning
pages and the call list both ask here."""
from relance.dunning.models import Action
from relance.team import access


def visible_actions(user, company):
    """The actions `user` may see and decide on."""
    return access.scoped(Action.objects.filter(company=company), user)
