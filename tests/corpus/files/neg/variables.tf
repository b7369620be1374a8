variable "db_password" {
  type      = string
  sensitive = true
}
resource "aws_db_instance" "x" {
  password = var.db_password
  kms_key_id = data.aws_kms_key.main.arn
}
