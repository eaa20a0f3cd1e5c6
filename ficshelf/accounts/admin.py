from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ficshelf.accounts.models import Pseud, User

admin.site.register(User, UserAdmin)


@admin.register(Pseud)
class PseudAdmin(admin.ModelAdmin[Pseud]):
    list_display = ["name", "user", "is_default"]
    search_fields = ["name", "user__username"]
