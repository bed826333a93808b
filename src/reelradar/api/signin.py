"""``/signin/<code>``: the address ``reelradar serve`` prints, which signs this browser in.

A good code sets the same HttpOnly, SameSite=Strict cookie as ``/unlock`` and redirects to ``/`` (303),
so the code leaves the address bar; a used, expired or wrong code gets the unlock page with one line
saying so (401), where the token still works. See ``security`` for what the code is and how long it
lives. State changes still need the page's CSRF token and the same origin, as after ``/unlock``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from reelradar.api.security import SIGNIN_MINUTES, SigninCodes, sign_in
from reelradar.web.render import page

router = APIRouter(include_in_schema=False)

SIGNIN_PATH = "/signin/"


def signin_codes(request: Request) -> SigninCodes:
    codes: SigninCodes = request.app.state.signin
    return codes


@router.get(SIGNIN_PATH + "{code}")
def signin(request: Request, code: str) -> Response:
    """Sign this browser in with the one-time code of the printed address."""
    if len(code) > 100 or not signin_codes(request).redeem(code):
        response = page(request, "unlock.html", status=401, next="/", signin_refused=True,
                        signin_minutes=SIGNIN_MINUTES)
    else:
        response = sign_in(request, RedirectResponse("/", status_code=303))
    # Neither the answer nor the address is kept by the browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response
