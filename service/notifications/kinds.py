"""The kinds of notification, each with its Chinese label."""

from __future__ import annotations

from enum import StrEnum


class NotificationKind(StrEnum):
    application_received = "application_received"
    application_offered = "application_offered"
    application_rejected = "application_rejected"
    application_accepted = "application_accepted"
    application_declined = "application_declined"
    application_withdrawn = "application_withdrawn"
    application_closed = "application_closed"
    organization_verified = "organization_verified"
    organization_suspended = "organization_suspended"
    identity_change_decided = "identity_change_decided"
    placement_published = "placement_published"
    list_published = "list_published"
    saved_search_matches = "saved_search_matches"
    password_reset = "password_reset"
    # For the interviews, messages and job fairs of issue 26 (points 3–5), wired by their branch.
    interview = "interview"
    message = "message"
    job_fair = "job_fair"
    internship = "internship"


KIND_LABELS: dict[NotificationKind, str] = {
    NotificationKind.application_received: "收到新的申请",
    NotificationKind.application_offered: "收到录用通知",
    NotificationKind.application_rejected: "申请未通过",
    NotificationKind.application_accepted: "学生接受了录用",
    NotificationKind.application_declined: "学生婉拒了录用",
    NotificationKind.application_withdrawn: "学生撤回了申请",
    NotificationKind.application_closed: "申请已关闭（岗位已招满或关闭）",
    NotificationKind.organization_verified: "机构审核通过",
    NotificationKind.organization_suspended: "机构被暂停",
    NotificationKind.identity_change_decided: "身份变更申请已审核",
    NotificationKind.placement_published: "双选结果已公布",
    NotificationKind.list_published: "清单已发布",
    NotificationKind.saved_search_matches: "保存的搜索有新岗位",
    NotificationKind.password_reset: "密码已重置",
    NotificationKind.interview: "面试安排",
    NotificationKind.message: "新消息",
    NotificationKind.job_fair: "双选会",
    NotificationKind.internship: "实习与学徒",
}
