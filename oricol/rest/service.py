from oricol.service import Platform, Service, not_built_yet


def create(platform: Platform) -> Service:
    return not_built_yet("rest", lambda status, msg: ({"code": "PGRST000", "message": msg, "details": None, "hint": None}, status))
