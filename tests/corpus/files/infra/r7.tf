# settings
resource "aws_db_instance" "db" {
  password = "UJ9CWEw5r!-5sf"
}
