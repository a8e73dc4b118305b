# Uplink 中文消息目录。每个面向用户的字符串都在这里。

app-name = 上行
app-tagline = 县域双向电商：工业品下乡，农产品进城

## 字段错误（field 错误码）
required = 必填
too-long = 太长：最多 { $max } 个字，现在 { $actual } 个
length = 长度应在 { $min } 到 { $max } 之间
control-characters = 不能含控制字符
bad-code = 编码只能用大写字母、数字和“-”
bad-money = “{ $input }”不是金额，例如 12.50
money-precision = 金额最多精确到分：“{ $input }”
bad-weight = “{ $input }”不是重量，例如 12.5kg 或 3斤
weight-precision = 重量最多精确到克：“{ $input }”
must-be-positive = 必须大于零
out-of-range = 超出范围：应在 { $min } 到 { $max } 之间
outside-county = 坐标不在本县范围内（纬度 { $south }–{ $north }，经度 { $west }–{ $east }）
empty-area = 范围为空：南边必须小于北边，西边必须小于东边
unknown-choice = 无效的选项，可选：{ $allowed }
bad-hours = “{ $input }”不是营业时间，例如 08:00-18:00
hours-close-before-open = 关门时间必须晚于开门时间
bad-time-zone = “{ $input }”不是时区，例如 Asia/Shanghai
bad-phone = “{ $input }”不是手机号（11 位）
bad-username = 用户名只能用小写字母、数字和 . _ -
unknown-reference = 本县没有这条记录
immutable = 创建后不能修改
duplicate = 已被使用，请换一个
bad-json = 请求不是有效的 JSON：{ $detail }
wrong-type = 类型不对：{ $detail }
unknown-field = 不认识的字段
bad-idempotency-key = 幂等键应为 1–128 个可见 ASCII 字符
bad-id = 不是有效的编号

## 问题标题（problem titles）
problem-invalid = 输入有误，请按提示修改
problem-not-found = 找不到该记录
problem-forbidden = 您的角色无权执行此操作
problem-unauthenticated = 请先登录
problem-bad-credentials = 用户名或密码错误
problem-rate-limited = 尝试次数过多，请 { $minutes } 分钟后再试
problem-duplicate = 该值已存在
problem-idempotency = 同一幂等键已用于另一个请求
problem-csrf = 表单已过期或来源不明，请刷新页面后重试
problem-internal = 服务器内部错误，请稍后再试；已记录
problem-too-large = 请求太大
problem-unsupported-media = 请求须为 JSON（Content-Type: application/json）

## 页面
nav-home = 首页
nav-api-docs = 接口文档
nav-logout = 退出
lang-switch = English
login-title = 登录
login-username = 用户名
login-password = 密码
login-submit = 登录
login-failed = 用户名或密码错误
home-title = 我的工作台
home-hello = 您好，{ $name }
home-roles = 您在以下县的角色：
home-admin = 平台管理员
home-no-roles = 您还没有任何县的角色。
docs-title = 上行 API 文档
docs-intro = 所有接口在 /api/v1 下；OpenAPI 描述见
docs-auth = 认证：POST /api/v1/auth/token 获取令牌，然后在请求头加 Authorization: Bearer 令牌。
role-operator = 县级运营中心
role-agent = 村级服务站站长
role-farmer = 农户
role-coop = 合作社
role-supplier = 供应商
role-buyer = 城市买家
role-driver = 司机
role-inspector = 质检员
role-auditor = 审计
