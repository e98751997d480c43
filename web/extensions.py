"""Flask extensions as module-level objects, bound in `create_app` with `init_app`."""

from __future__ import annotations

from flask_login import LoginManager
from flask_smorest import Api
from flask_wtf.csrf import CSRFProtect

from web.schemas import ErrorSchema


class JixiaoApi(Api):
    """flask-smorest's Api with our error body (`code` a string, `fields`) as the one every
    documented error response refers to, instead of its own (`code` an integer)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_responses(self) -> None:
        # Named before the default responses refer to it, so the document has it once.
        self.spec.components.schema("ErrorSchema", schema=ErrorSchema)
        super()._register_responses()


login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "warning"
csrf = CSRFProtect()
api = JixiaoApi()
