from django.core.files.uploadedfile import SimpleUploadedFile


def csv_upload(text: str, name: str = "people.csv", encoding: str = "utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
