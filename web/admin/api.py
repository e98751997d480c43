"""Administration API: finance bureaus, budget units and users (administrators only)."""

from __future__ import annotations

from flask.views import MethodView

import roles
from web.admin.schemas import BureauIn, BureauOut, UnitIn, UnitOut, UserIn, UserOut, UserUpdate
from web.rest import PAGED, caller, make_blueprint, paged, session
from web.schemas import PageQuery
from workflow.accounts import operations as accounts
from workflow.accounts.models import Bureau, Unit, User

blp = make_blueprint("admin", "系统管理：财政局、预算单位、用户")


def _admin():
    return roles.require_admin(caller())


def _fetch(model, object_id: int, label: str):
    _admin()
    return accounts.get_object(session(), model, object_id, label)


@blp.route("/bureaus")
class Bureaus(MethodView):
    @blp.response(200, BureauOut(many=True))
    def get(self):
        """List finance bureaus (财政局)."""
        _admin()
        return accounts.list_bureaus(session())

    @blp.arguments(BureauIn)
    @blp.response(201, BureauOut)
    def post(self, data):
        """Create a finance bureau."""
        return accounts.save_bureau(session(), _admin(), data["name"], data["region"])


@blp.route("/bureaus/<int:bureau_id>")
class BureauItem(MethodView):
    @blp.response(200, BureauOut)
    def get(self, bureau_id):
        return _fetch(Bureau, bureau_id, "财政局")

    @blp.arguments(BureauIn)
    @blp.response(200, BureauOut)
    def put(self, data, bureau_id):
        return accounts.save_bureau(session(), _admin(), data["name"], data["region"], bureau_id)

    @blp.response(204)
    def delete(self, bureau_id):
        accounts.delete_bureau(session(), _admin(), bureau_id)


@blp.route("/units")
class Units(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, UnitOut(many=True), headers=PAGED)
    def get(self, query):
        """List budget units (预算单位), a page at a time."""
        _admin()
        return paged(accounts.units_page(session(), query["page"]))

    @blp.arguments(UnitIn)
    @blp.response(201, UnitOut)
    def post(self, data):
        return accounts.save_unit(session(), _admin(), data["name"], data["bureau_id"])


@blp.route("/units/<int:unit_id>")
class UnitItem(MethodView):
    @blp.response(200, UnitOut)
    def get(self, unit_id):
        return _fetch(Unit, unit_id, "预算单位")

    @blp.arguments(UnitIn)
    @blp.response(200, UnitOut)
    def put(self, data, unit_id):
        return accounts.save_unit(session(), _admin(), data["name"], data["bureau_id"], unit_id)

    @blp.response(204)
    def delete(self, unit_id):
        accounts.delete_unit(session(), _admin(), unit_id)


def _user_fields(data) -> accounts.UserFields:
    return accounts.UserFields(
        username=data["username"],
        display_name=data["display_name"],
        role=data["role"],
        password=data["password"],
        unit_id=data["unit_id"],
        bureau_id=data["bureau_id"],
        title=data["title"],
        email=data["email"],
        active=data["active"],
    )


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, UserOut(many=True), headers=PAGED)
    def get(self, query):
        """List users, a page at a time."""
        _admin()
        return paged(accounts.users_page(session(), query["page"]))

    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, data):
        """Create a user: unit_user (the default, with unit_id), finance_reviewer (with
        bureau_id) or admin (with neither); a unit or bureau the role does not take is a 400."""
        return accounts.save_user(session(), _admin(), _user_fields(data))


@blp.route("/users/<int:user_id>")
class UserItem(MethodView):
    @blp.response(200, UserOut)
    def get(self, user_id):
        return _fetch(User, user_id, "用户")

    @blp.arguments(UserUpdate)
    @blp.response(200, UserOut)
    def put(self, data, user_id):
        """Edit a user; an omitted password keeps the old one."""
        return accounts.save_user(session(), _admin(), _user_fields(data), user_id)

    @blp.response(204)
    def delete(self, user_id):
        """Deactivate a user: their name stays on the audit trail, they can no longer log in."""
        accounts.deactivate_user(session(), _admin(), user_id)
