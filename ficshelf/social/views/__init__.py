"""Thin views for what readers do: each fetches through the access functions (404 for what
the viewer may not see), calls one action, and redirects back or renders a small page."""

from ficshelf.social.views._common import PER_PAGE
from ficshelf.social.views.bookmarks import (
    bookmark_series,
    bookmark_work,
    delete_bookmark,
    my_bookmarks,
    work_bookmarks,
)
from ficshelf.social.views.kudos_and_comments import (
    COMMENT_LIMIT_PER_ACCOUNT,
    COMMENT_LIMIT_PER_ADDRESS,
    COMMENT_LIMIT_WINDOW_SECONDS,
    RATE_LIMITED_MESSAGE,
    approve_comment,
    comment_permalink,
    delete_comment,
    edit_comment,
    leave_kudos,
    post_comment,
    reply_form,
)
from ficshelf.social.views.reading import (
    add_to_list,
    delete_list,
    delete_reading,
    history,
    list_detail,
    mark_for_later,
    marked_for_later,
    my_lists,
    remove_from_list,
)
from ficshelf.social.views.subscriptions_and_inbox import (
    inbox,
    mark_inbox_read,
    my_subscriptions,
    subscribe_creator,
    subscribe_series,
    subscribe_work,
)

__all__ = [
    "COMMENT_LIMIT_PER_ACCOUNT",
    "COMMENT_LIMIT_PER_ADDRESS",
    "COMMENT_LIMIT_WINDOW_SECONDS",
    "PER_PAGE",
    "RATE_LIMITED_MESSAGE",
    "add_to_list",
    "approve_comment",
    "bookmark_series",
    "bookmark_work",
    "comment_permalink",
    "delete_bookmark",
    "delete_comment",
    "delete_list",
    "delete_reading",
    "edit_comment",
    "history",
    "inbox",
    "leave_kudos",
    "list_detail",
    "mark_for_later",
    "mark_inbox_read",
    "marked_for_later",
    "my_bookmarks",
    "my_lists",
    "my_subscriptions",
    "post_comment",
    "remove_from_list",
    "reply_form",
    "subscribe_creator",
    "subscribe_series",
    "subscribe_work",
    "work_bookmarks",
]
