from oricol.service import Platform, Service, not_built_yet


def create(platform: Platform, mailer: object) -> Service:
    return not_built_yet("auth", lambda status, msg: ({"code": status, "error_code": "not_found", "msg": msg}, status))
