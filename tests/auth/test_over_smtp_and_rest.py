"""End to end on the shared live server: mails travel over real SMTP to the catcher and are read back
through its Inbucket-like API; tokens we issue are what REST (and row-level security) go by."""
from __future__ import annotations

import time

import asyncpg
import httpx
import jwt
import pytest
from supabase import create_client

from tests.auth.conftest import unique_email
from tests.support.node import run_node


def catcher_code(live, email: str, subject: str, timeout: float = 10.0) -> str:
    import re
    base = f"http://127.0.0.1:{live.config.mail.http_port}/api/v1/mailbox/{email.split('@')[0]}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in reversed(httpx.get(base).json()):
            if entry["subject"] == subject:
                body = httpx.get(f"{base}/{entry['id']}").json()["body"]
                return re.search(r"code: (\d{6})", body["html"]).group(1)
        time.sleep(0.1)
    raise AssertionError(f"no {subject!r} mail for {email}")


@pytest.mark.node
async def test_js_confirms_signup_and_resets_password_with_codes_from_the_catcher(live):
    email = unique_email("smtp")
    mailbox = f"http://127.0.0.1:{live.config.mail.http_port}/api/v1/mailbox/{email.split('@')[0]}"
    result = run_node(f"""
async function code(subject) {{
  for (let i = 0; i < 100; i++) {{
    const list = await (await fetch('{mailbox}')).json();
    const hit = list.reverse().find((m) => m.subject === subject);
    if (hit) {{
      const message = await (await fetch('{mailbox}/' + hit.id)).json();
      return message.body.html.match(/code: (\\d{{6}})/)[1];
    }}
    await new Promise((r) => setTimeout(r, 100));
  }}
  throw new Error('no mail ' + subject);
}}
const sb = anon();
const up = await sb.auth.signUp({{ email: '{email}', password: 'smtp-pass-1' }});
if (up.error) throw up.error;
const early = await sb.auth.signInWithPassword({{ email: '{email}', password: 'smtp-pass-1' }});
const confirmed = await sb.auth.verifyOtp({{ email: '{email}', token: await code('Confirm Your Signup'), type: 'signup' }});
if (confirmed.error) throw confirmed.error;
await sb.auth.signOut();
const reset = await sb.auth.resetPasswordForEmail('{email}');
const recovered = await sb.auth.verifyOtp({{ email: '{email}', token: await code('Reset Your Password'), type: 'recovery' }});
if (recovered.error) throw recovered.error;
const changed = await sb.auth.updateUser({{ password: 'smtp-pass-2' }});
await sb.auth.signOut();
const again = await sb.auth.signInWithPassword({{ email: '{email}', password: 'smtp-pass-2' }});
out({{ sessionAtSignup: up.data.session, early: early.error.code, confirmed: !!confirmed.data.session,
      reset: reset.error, changed: changed.error, again: again.data.user.email }});
""", live)
    assert result == {"sessionAtSignup": None, "early": "email_not_confirmed", "confirmed": True, "reset": None,
                      "changed": None, "again": email}


async def test_python_magic_link_code_over_smtp(live):
    auth = create_client(live.url, live.anon_key).auth
    email = unique_email("smtp-otp")
    auth.sign_in_with_otp({"email": email})
    session = auth.verify_otp({"email": email, "token": catcher_code(live, email, "Confirm Your Signup"),
                               "type": "email"}).session
    assert session.user.email == email


async def test_rest_accepts_our_tokens_and_row_level_security_sees_the_user(live):
    table = f"notes_{int(time.time() * 1000) % 10**9}"
    conn = await asyncpg.connect(live.db_url)
    try:
        await conn.execute(f"""
            create table public.{table} (id bigint generated always as identity primary key,
              owner uuid not null default auth.uid(), body text);
            alter table public.{table} enable row level security;
            create policy own on public.{table} for all to authenticated
              using (owner = auth.uid()) with check (owner = auth.uid());
            grant select, insert on public.{table} to authenticated;
            notify pgrst, 'reload schema';
        """)
    finally:
        await conn.close()
    admin = create_client(live.url, live.service_role_key).auth.admin
    emails = [unique_email("rls") for _ in range(2)]
    for email in emails:
        admin.create_user({"email": email, "password": "rls-password", "email_confirm": True})
    clients = []
    for email in emails:
        sb = create_client(live.url, live.anon_key)
        sb.auth.sign_in_with_password({"email": email, "password": "rls-password"})
        clients.append(sb)
    for _attempt in range(50):  # the schema cache reloads asynchronously
        try:
            clients[0].table(table).insert({"body": "mine"}).execute()
            break
        except Exception:
            time.sleep(0.1)
    assert [r["body"] for r in clients[0].table(table).select("body").execute().data] == ["mine"]
    assert clients[1].table(table).select("body").execute().data == []
    token = clients[0].auth.get_session().access_token
    claims = jwt.decode(token, options={"verify_signature": False})
    expired = jwt.encode({**claims, "exp": int(time.time()) - 5}, live.jwt_secret, algorithm="HS256")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (expired, tampered):
        response = httpx.get(f"{live.url}/rest/v1/{table}", headers={"apikey": live.anon_key,
                                                                    "authorization": f"Bearer {bad}"})
        assert response.status_code == 401, response.text


@pytest.mark.node
async def test_js_pkce_magic_link_through_the_catcher(live):
    email = unique_email("jspkce")
    mailbox = f"http://127.0.0.1:{live.config.mail.http_port}/api/v1/mailbox/{email.split('@')[0]}"
    result = run_node(f"""
const sb = createClient(URL_, ANON_KEY, {{
  auth: {{ persistSession: false, autoRefreshToken: false, flowType: 'pkce' }}, realtime: {{ transport: WebSocket }} }});
const sent = await sb.auth.signInWithOtp({{ email: '{email}', options: {{ emailRedirectTo: 'http://localhost:8080/cb' }} }});
if (sent.error) throw sent.error;
let html = null;
for (let i = 0; i < 100 && !html; i++) {{
  const list = await (await fetch('{mailbox}')).json();
  if (list.length) html = (await (await fetch('{mailbox}/' + list[list.length - 1].id)).json()).body.html;
  else await new Promise((r) => setTimeout(r, 100));
}}
const link = new URL(html.match(/href="([^"]+)"/)[1].replaceAll('&amp;', '&'));
const opened = await fetch(URL_ + link.pathname + link.search, {{ redirect: 'manual' }});
const location = new URL(opened.headers.get('location'));
const exchanged = await sb.auth.exchangeCodeForSession(location.searchParams.get('code'));
if (exchanged.error) throw exchanged.error;
out({{ pkceLink: link.searchParams.get('token').startsWith('pkce_'), status: opened.status,
      path: location.pathname, email: exchanged.data.user.email }});
""", live)
    assert result == {"pkceLink": True, "status": 303, "path": "/cb", "email": email}
