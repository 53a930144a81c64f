"""/pg/generators/go, /swift and /python: the types `supabase gen types <lang>` writes, as postgres-meta's
templates lay them out, for a known schema. Python's output is compiled and imported (pydantic is
installed); Go's is parsed by gofmt when Go is installed; Swift's is checked on its shape."""
from __future__ import annotations

import shutil
import subprocess
import sys
import types as pytypes

import pytest

from tests.support import pg

SHOP = """
create schema shop;
create type shop.state as enum ('new', 'open', 'case', 'say "hi"');
create type shop.money_pair as (amount numeric, label text);
create table shop.orders (
  id bigint generated always as identity primary key,
  "Order Ref" text not null,
  state shop.state not null default 'new',
  states shop.state[],
  tags text[],
  total numeric,
  paid_at timestamptz,
  meta jsonb,
  "default" int
);
create table shop.empty_one ();
create view shop.order_refs as select id, "Order Ref" from shop.orders;
"""


@pytest.fixture
async def shop_db(seeded):
    await pg.run_sql(seeded, SHOP)
    return seeded


@pytest.fixture
def config(shop_db, config):
    return config


async def generate(meta, lang: str, query: str = "?included_schemas=shop") -> str:
    response = await meta.get(f"/pg/generators/{lang}{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    return response.text


async def test_go_structs(meta, tmp_path):
    go = await generate(meta, "go")
    assert go.startswith("package database\n\ntype ShopEmptyOneSelect struct {\n\n}\n\n")
    assert ("type ShopOrdersSelect struct {\n"
            '  Default  *int32      `json:"default"`\n'
            '  Id       int64       `json:"id"`\n'
            '  Meta     interface{} `json:"meta"`\n'
            '  OrderRef string      `json:"Order Ref"`\n'
            '  PaidAt   *string     `json:"paid_at"`\n'
            '  State    string      `json:"state"`\n'
            '  States   []*string   `json:"states"`\n'
            '  Tags     []*string   `json:"tags"`\n'
            '  Total    *float64    `json:"total"`\n'
            "}") in go
    # Insert: identity and defaulted columns become pointers; Update: every scalar is a pointer.
    assert '  Id       *int64      `json:"id"`' in go.split("type ShopOrdersInsert struct")[1]
    assert '  State    *string     `json:"state"`' in go.split("type ShopOrdersInsert struct")[1]
    assert '  OrderRef *string     `json:"Order Ref"`' in go.split("type ShopOrdersUpdate struct")[1]
    assert "type ShopOrderRefsSelect struct {" in go and "type ShopOrderRefsInsert" not in go
    assert go.endswith("type ShopMoneyPair struct {\n"
                       '  Amount float64 `json:"amount"`\n'
                       '  Label  string  `json:"label"`\n'
                       "}")
    assert "Public" not in go  # only the schemas asked for
    if shutil.which("gofmt"):
        source = tmp_path / "types.go"
        source.write_text(go)
        checked = subprocess.run(["gofmt", "-e", str(source)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr


async def test_python_models_compile_and_import(meta):
    source = await generate(meta, "python")
    assert source.startswith("from __future__ import annotations\n\nimport datetime\nimport uuid\n")
    assert "ShopState: TypeAlias = Literal[\"new\", \"open\", \"case\", \"say \\\"hi\\\"\"]" in source
    assert ("class ShopOrders(BaseModel):\n"
            '    default: Optional[int] = Field(alias="default")\n'
            '    id: int = Field(alias="id")\n'
            '    meta: Optional[Json[Any]] = Field(alias="meta")\n'
            '    order_ref: str = Field(alias="Order Ref")\n'
            '    paid_at: Optional[datetime.datetime] = Field(alias="paid_at")\n'
            '    state: ShopState = Field(alias="state")\n'
            '    states: Optional[List[ShopState]] = Field(alias="states")\n'
            '    tags: Optional[List[str]] = Field(alias="tags")\n'
            '    total: Optional[float] = Field(alias="total")\n') in source
    assert ("class ShopOrdersInsert(TypedDict):\n"
            '    default: NotRequired[Annotated[Optional[int], Field(alias="default")]]\n'
            '    id: NotRequired[Annotated[int, Field(alias="id")]]\n') in source
    assert '    order_ref: Annotated[str, Field(alias="Order Ref")]\n' in source
    assert '    order_ref: NotRequired[Annotated[str, Field(alias="Order Ref")]]\n' in source  # Update
    assert "class ShopEmptyOne(BaseModel):\n    pass" in source
    assert "class ShopMoneyPair(BaseModel):\n    amount: float" in source
    module = pytypes.ModuleType("generated_shop_types")
    exec(compile(source, "generated_shop_types.py", "exec"), module.__dict__)
    sys.modules["generated_shop_types"] = module
    try:
        row = module.ShopOrders.model_validate({
            "default": None, "id": 1, "meta": '{"a": 1}', "Order Ref": "R-1", "paid_at": None, "state": "open",
            "states": ["new"], "tags": None, "total": 2.5})
        assert (row.order_ref, row.state, row.meta) == ("R-1", "open", {"a": 1})
    finally:
        del sys.modules["generated_shop_types"]


async def test_swift_structs(meta):
    swift = await generate(meta, "swift")
    assert swift.startswith("import Foundation\nimport Supabase\n\ninternal enum ShopSchema {\n")
    assert swift.endswith("\n}")
    assert ("  internal enum State: String, Codable, Hashable, Sendable {\n"
            '    case new = "new"\n    case open = "open"\n    case `case` = "case"\n'
            '    case sayHi = "say \\"hi\\""\n  }\n') in swift
    assert ("  internal struct OrdersSelect: Codable, Hashable, Sendable, Identifiable {\n"
            "    internal let `default`: Int32?\n"
            "    internal let id: Int64\n"
            "    internal let meta: AnyJSON?\n"
            "    internal let orderRef: String\n"
            "    internal let paidAt: String?\n"
            "    internal let state: State\n"
            "    internal let states: [State]?\n"
            "    internal let tags: [String]?\n"
            "    internal let total: Decimal?\n"
            "    internal enum CodingKeys: String, CodingKey {\n"
            '      case `default` = "default"\n') in swift
    assert '      case orderRef = "Order Ref"\n' in swift
    assert "  internal struct OrdersInsert: Codable, Hashable, Sendable, Identifiable {\n" in swift
    assert "    internal let id: Int64?\n" in swift
    assert "  internal struct OrderRefsSelect: Codable, Hashable, Sendable {\n" in swift
    # composite attributes are named in PascalCase, as upstream's template names them
    assert ("  internal struct MoneyPair: Codable, Hashable, Sendable {\n    internal let Amount: Decimal\n"
            "    internal let Label: String\n") in swift
    assert "  internal struct EmptyOneSelect: Codable, Hashable, Sendable {\n  }\n" in swift
    assert swift.count("{") == swift.count("}")
    public = await generate(meta, "swift", "?included_schemas=shop&access_control=public")
    assert "public struct OrdersSelect" in public and "internal" not in public


async def test_generator_input_is_checked(meta):
    response = await meta.get("/pg/generators/swift?access_control=open; import Evil")
    assert response.status_code == 400
    assert response.json() == {"error": "querystring/access_control must be equal to one of the allowed values: "
                                        "internal, public, private, package"}
    go = await generate(meta, "go", "?included_schemas=shop,public&excluded_schemas=shop")
    assert "type PublicBooksSelect struct" in go and "Shop" not in go
