const firebaseConfig = {
  apiKey: "AIzaUnCEPqtXhnK0LGmocNZ5vip7LcZavq92GX5",
  authDomain: "app-3.firebaseapp.com",
  projectId: "app-3",
};
