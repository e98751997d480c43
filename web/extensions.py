"""Flask extensions as module-level objects, bound in `create_app` with `init_app`."""

from __future__ import annotations

from flask_login import LoginManager
from flask_smorest import Api
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "warning"
csrf = CSRFProtect()
api = Api()
